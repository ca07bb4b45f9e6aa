package dev.lastseen.app.config;

import dev.lastseen.config.ConfigSources;
import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.config.KafkaClientConfig;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.contract.TopicNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Loads and validates the configuration of {@code lastseen run} at start-up: a properties file,
 * then environment overrides (see {@link ConfigSources}). Keys in the {@code lastseen.} namespace
 * are lastseen's own, declared by one small type per concern (below, in the order of the reference
 * tables) with Kafka's {@link ConfigDef}, so errors read "Invalid value X for configuration KEY:
 * why"; every other key is a Kafka Streams / client property, passed to {@link KafkaStreamsConfig}.
 *
 * <p>Environment: any declared key, any Kafka Streams key and any consumer/producer key (so
 * {@code security.protocol}, {@code sasl.*}, {@code ssl.*}) can be set from the environment.
 */
public final class ConfigLoader {
    public static final ConfigDef DEFINITION = definition();

    /** In place of a value a message must not repeat: an unknown key may be a misspelt password key. */
    static final String NOT_SHOWN = "(value not shown)";

    private ConfigLoader() {}

    private static ConfigDef definition() {
        ConfigDef def = new ConfigDef();
        TopicsConfig.define(def);
        RegistryConfig.define(def);
        RegistryConfig.defineAutoRegister(def);
        InputConfig.define(def);
        UsageConfig.define(def);
        SecretConfig.define(def);
        HttpServerConfig.define(def);
        ApiAccessConfig.define(def);
        SpikeConfig.define(def);
        QueryConfig.define(def);
        RestartConfig.define(def);
        QueryConfig.defineForwarding(def);
        PeerAuthConfig.define(def);
        KafkaStreamsConfig.define(def);
        return def;
    }

    /**
     * A secret-typed value still holding the shipped example's {@code CHANGE-ME} (ops/k8s/secret.example.yaml) is
     * refused, naming the key and never the value: the example must not run as it is.
     */
    private static void refuseExamplePlaceholders(AbstractConfig c) {
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            if (key.type != ConfigDef.Type.PASSWORD) {
                continue;
            }
            Password p = c.getPassword(key.name);
            if (p != null && p.value().toUpperCase(Locale.ROOT).contains("CHANGE-ME")) {
                throw new ConfigException(
                        key.name, "[hidden]", "still holds the example's CHANGE-ME: set the real secret");
            }
        }
    }

    /** Loads a properties file, applies environment overrides, validates. */
    public static LastseenConfig load(Path file, Map<String, String> env) {
        Map<String, Object> values = ConfigSources.read(file);
        applyEnvironment(values, env);
        return fromMap(values);
    }

    /** Environment variable name for a key (see {@link ConfigSources}). */
    public static String envName(String key) {
        return ConfigSources.envName(key);
    }

    static void applyEnvironment(Map<String, Object> values, Map<String, String> env) {
        List<String> keys = new ArrayList<>(DEFINITION.names());
        keys.addAll(StreamsConfig.configDef().names());
        keys.addAll(KafkaClientConfig.environmentKeys());
        ConfigSources.applyEnvironment(values, keys, env);
    }

    /** Validates a complete key → value map (values as strings or typed). */
    public static LastseenConfig fromMap(Map<String, ?> values) {
        Map<String, Object> own = new HashMap<>();
        Map<String, Object> streams = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(ConfigSources.PREFIX)) {
                ApiAccessConfig.refuseRemoved(k);
                if (!DEFINITION.names().contains(k)) {
                    throw new ConfigException(
                            k,
                            NOT_SHOWN, // a misspelt password key must not print the password
                            "unknown lastseen configuration key (known keys: " + String.join(", ", DEFINITION.names())
                                    + ")");
                }
                own.put(k, v);
            } else {
                streams.put(k, v);
            }
        });
        AbstractConfig c = new AbstractConfig(DEFINITION, own, false);
        refuseExamplePlaceholders(c);
        TopicNames topics = TopicsConfig.from(c);
        InputConfig.Settings input = InputConfig.from(c);
        HttpServerSettings http = HttpServerConfig.from(c);
        LastseenConfig.QuerySettings query = QueryConfig.from(c, http.tls() != null);
        ApiAccessConfig.Settings apiAccess = ApiAccessConfig.from(c);
        PeerAuthConfig.refusePlainHttpCredentials(
                c, http.tls() != null, apiAccess.keyFile() != null, query.forwardCredential() != null);
        return new LastseenConfig(
                topics,
                RegistryConfig.from(c),
                c.getBoolean(RegistryConfig.AUTO_REGISTER),
                input.patchGranularity(),
                input.clockSkewAllowance(),
                input.bounds(),
                http,
                HttpServerConfig.exposure(c),
                apiAccess,
                SpikeConfig.from(c),
                query,
                UsageConfig.from(c),
                UsageConfig.neverSeenMaxEntries(c),
                UsageConfig.trailingMaxEntries(c),
                SecretConfig.from(c),
                RestartConfig.from(c),
                KafkaStreamsConfig.from(streams, c, topics));
    }
}
