package dev.lastseen.it;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.state.StateSerdes;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageFields;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The oracle of the exactly-once tests, built from outside the application: what the login topic
 * holds (read back with an independent consumer) is what the committed usage state must equal, token
 * by token - the latest successful {@code occurred_at} and exact success and failure counts, so a lost
 * or double-counted event shows - and the committed {@code token-last-seen} patches must never move a
 * token backwards.
 */
public final class UsageOracle {
    /** What the input holds, per token: the expected final state. */
    public record Expected(
            long events,
            long duplicates,
            Map<TokenKey, Long> maxSuccess,
            Map<TokenKey, Long> successes,
            Map<TokenKey, Long> failures) {
        public Map<String, Long> lastSeenByToken() {
            Map<String, Long> m = new HashMap<>();
            maxSuccess.forEach((k, v) -> m.put(k.tokenId(), v));
            return m;
        }

        public int tokens() {
            Set<TokenKey> keys = new HashSet<>(successes.keySet());
            keys.addAll(failures.keySet());
            return keys.size();
        }
    }

    /** What the committed {@code token-last-seen} stream shows. */
    public record Patches(long count, long backwards, Map<String, Long> last) {}

    private UsageOracle() {}

    /** Reads the whole login topic (read_committed) and computes the expected state. */
    public static Expected expectedFromInput(String bootstrap, String topic, SchemaRegistryClient registry) {
        SpecificAvroDeserializer<LoginEvent> decoder = new SpecificAvroDeserializer<>(registry, LoginEvent.class);
        Set<String> ids = new HashSet<>();
        long duplicates = 0;
        Map<TokenKey, Long> max = new HashMap<>();
        Map<TokenKey, Long> ok = new HashMap<>();
        Map<TokenKey, Long> failed = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> all = ItKafka.readAll(bootstrap, topic, Duration.ofMinutes(5));
        for (ConsumerRecord<byte[], byte[]> r : all) {
            LoginEvent e = decoder.deserialize(topic, r.value());
            if (!ids.add(e.getEventId())) {
                duplicates++;
            }
            TokenKey k = new TokenKey(e.getAccountId(), e.getTokenId());
            if (e.getOutcome() == AuthOutcome.SUCCESS) {
                ok.merge(k, 1L, Long::sum);
                max.merge(k, e.getOccurredAt().toEpochMilli(), Math::max);
            } else {
                failed.merge(k, 1L, Long::sum);
            }
        }
        return new Expected(all.size(), duplicates, max, ok, failed);
    }

    /** The usage store as committed: the last value per key in its changelog, read with read_committed. */
    public static Map<TokenKey, UsageFields> committedUsage(String bootstrap, String applicationId) {
        String changelog = applicationId + "-" + StoreNames.TOKEN_USAGE + "-changelog";
        Map<TokenKey, UsageFields> state = new HashMap<>();
        var decode = StateSerdes.usage().deserializer();
        for (ConsumerRecord<byte[], byte[]> r : ItKafka.readAll(bootstrap, changelog, Duration.ofMinutes(5))) {
            TokenKey k = TokenKey.fromBytes(r.key());
            if (r.value() == null) {
                state.remove(k);
            } else {
                state.put(k, decode.deserialize(changelog, r.value()));
            }
        }
        return state;
    }

    /** Every token whose committed state differs from the input (at most {@code limit} lines), and a size mismatch. */
    public static List<String> diff(Expected expected, Map<TokenKey, UsageFields> state, int limit) {
        List<String> problems = new ArrayList<>();
        Set<TokenKey> keys = new HashSet<>(expected.successes().keySet());
        keys.addAll(expected.failures().keySet());
        int differing = 0;
        for (TokenKey k : keys) {
            UsageFields u = state.get(k);
            long ok = expected.successes().getOrDefault(k, 0L);
            long failed = expected.failures().getOrDefault(k, 0L);
            Long max = expected.maxSuccess().get(k);
            String problem = null;
            if (u == null) {
                problem = k + " missing";
            } else if (u.successCount() != ok || u.failureCount() != failed || !Objects.equals(u.lastSeenAt(), max)) {
                problem = k + ": state ok=" + u.successCount() + " failed=" + u.failureCount() + " last="
                        + u.lastSeenAt() + ", input ok=" + ok + " failed=" + failed + " last=" + max;
            }
            if (problem != null && differing++ < limit) {
                problems.add(problem);
            }
        }
        if (differing > limit) {
            problems.add("... " + (differing - limit) + " more tokens differ");
        }
        if (state.size() != keys.size()) {
            problems.add("state has " + state.size() + " tokens, input " + keys.size());
        }
        return problems;
    }

    /**
     * Reads the whole committed {@code token-last-seen} topic; per token (one partition each, so offset
     * order is write order) counts the patches that moved it backwards, and keeps the highest.
     */
    public static Patches patches(String bootstrap, String topic, SchemaRegistryClient registry) {
        SpecificAvroDeserializer<TokenLastSeen> decoder = new SpecificAvroDeserializer<>(registry, TokenLastSeen.class);
        List<ConsumerRecord<byte[], byte[]>> all = ItKafka.readAll(bootstrap, topic, Duration.ofMinutes(5));
        Map<String, Long> last = new HashMap<>();
        long backwards = 0;
        for (ConsumerRecord<byte[], byte[]> r : all) {
            TokenLastSeen p = decoder.deserialize(topic, r.value());
            String token = new String(r.key(), StandardCharsets.UTF_8);
            long at = p.getLastSeenAt().toEpochMilli();
            Long before = last.put(token, at);
            if (before != null && at < before) {
                backwards++;
                last.put(token, before);
            }
        }
        return new Patches(all.size(), backwards, last);
    }
}
