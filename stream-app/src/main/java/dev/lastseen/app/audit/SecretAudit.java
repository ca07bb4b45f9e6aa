package dev.lastseen.app.audit;

import dev.lastseen.app.config.LastseenConfig;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.StreamsConfig;

/** Which topics an audit must read: everything lastseen writes. */
public final class SecretAudit {
    private SecretAudit() {}

    /**
     * Every topic lastseen writes, among those that exist: its outputs, its dead-letter topic and
     * every internal topic of its application id (changelogs and repartition topics, legacy ones included).
     */
    public static Set<String> topicsWritten(LastseenConfig config, Set<String> existing) {
        String prefix = config.streams().get(StreamsConfig.APPLICATION_ID_CONFIG) + "-";
        Set<String> topics = new TreeSet<>();
        for (String t : existing) {
            if (t.startsWith(prefix)) {
                topics.add(t);
            }
        }
        for (String t : new String[] {
            config.topics().tokenLastSeen(),
            config.topics().authFailureAlerts(),
            config.topics().deadLetter()
        }) {
            if (existing.contains(t)) {
                topics.add(t);
            }
        }
        return topics;
    }
}
