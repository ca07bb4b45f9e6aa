package dev.lastseen.devtools.kafka;

import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.HttpServerConfig;
import dev.lastseen.config.RegistryConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The configuration every instance on a single in-process broker needs (the demo and the
 * integration tests): replication factor 1 for internal topics, a short commit interval so
 * committed output shows quickly, and the given registry. Callers add what is theirs.
 */
public final class SingleBrokerConfig {
    private SingleBrokerConfig() {}

    /** A mutable map of configuration keys, ready for {@link ConfigLoader#fromMap}. */
    public static Map<String, Object> base(String bootstrap, String applicationId, Path stateDir, String registryUrl) {
        Map<String, Object> c = new HashMap<>();
        c.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        c.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        c.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        c.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        c.put(RegistryConfig.URL, registryUrl);
        c.put(HttpServerConfig.HTTP_MANAGEMENT_PORT, 0); // a free port: never a fixed one in tests
        return c;
    }
}
