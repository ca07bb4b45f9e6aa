package dev.lastseen.app.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Configuration of the plain Kafka clients lastseen's commands use besides Kafka Streams (start-up
 * checks, audits, upgrades): the instance's own connection settings — bootstrap servers and any
 * security settings — so they reach the cluster exactly as the application does.
 */
public final class ClientConfigs {
    private ClientConfigs() {}

    public static Map<String, Object> admin(LastseenConfig config, Duration apiTimeout) {
        Map<String, Object> c = new HashMap<>(config.streams());
        c.keySet().retainAll(AdminClientConfig.configNames());
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) apiTimeout.toMillis());
        return c;
    }

    /** A consumer that reads what it is assigned from wherever it seeks, commits nothing and joins no group. */
    public static Map<String, Object> reader(LastseenConfig config, String isolationLevel) {
        Map<String, Object> c = new HashMap<>(config.streams());
        c.keySet().retainAll(ConsumerConfig.configNames());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "lastseen-reader");
        return c;
    }
}
