package dev.lastseen.applier;

import dev.lastseen.config.ConfigSources;
import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.config.KafkaClientConfig;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.contract.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;
import org.postgresql.PGProperty;

/**
 * Loads and validates the configuration of {@code lastseen apply} at start-up: a properties
 * file, then environment overrides ({@code LASTSEEN_} + the key without {@code lastseen.},
 * upper-cased, dots and dashes as underscores: {@code lastseen.apply.jdbc.password} →
 * {@code LASTSEEN_APPLY_JDBC_PASSWORD}). Keys in the {@code lastseen.} namespace are declared
 * below with Kafka's {@link ConfigDef}, so errors read "Invalid value X for configuration KEY:
 * why"; {@code lastseen.apply.jdbc.property.NAME} passes a PgJDBC connection property (TLS:
 * {@code sslmode}, {@code sslrootcert}, ...); every other key is a Kafka client property.
 */
public final class ApplierConfigLoader {
    public static final String PREFIX = ConfigSources.PREFIX;
    /** In place of a value a message must not repeat: an unknown key may be a misspelt password key. */
    static final String NOT_SHOWN = "(value not shown)";

    public static final String TOPIC = "lastseen.apply.topic";
    public static final String DLQ_TOPIC = "lastseen.apply.dlq.topic";
    public static final String CLOCK_SKEW_ALLOWANCE_MS = "lastseen.apply.clock-skew.allowance.ms";
    public static final String MAX_RECORD_BYTES = "lastseen.apply.max.record.bytes";
    public static final String HTTP_HOST = "lastseen.apply.http.host";
    public static final String HTTP_PORT = "lastseen.apply.http.port";

    /** The in-process registry of the demo and tests: the caller passes the client. */
    public static final String IN_MEMORY_REGISTRY = RegistryConfig.IN_MEMORY;

    public static final String DEFAULT_GROUP_ID = "lastseen-apply";
    /** Bound on the size of the configuration and password files: they are inputs too. */
    static final long MAX_FILE_BYTES = ConfigSources.MAX_FILE_BYTES;

    public static final ConfigDef DEFINITION = RegistryConfig.define(
            IdentityConfig.define(BatchConfig.define(TargetConfig.define(DatabaseConfig.define(new ConfigDef())))
                    .define(
                            TOPIC,
                            ConfigDef.Type.STRING,
                            TopicNames.TOKEN_LAST_SEEN,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Input topic of TokenLastSeen patches.")
                    .define(
                            DLQ_TOPIC,
                            ConfigDef.Type.STRING,
                            TopicNames.APPLY_DEAD_LETTER,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Dead-letter topic for undecodable or invalid patches.")
                    .define(
                            CLOCK_SKEW_ALLOWANCE_MS,
                            ConfigDef.Type.LONG,
                            300_000L,
                            Range.between(0, 86_400_000),
                            Importance.MEDIUM,
                            "Patches dated further than this into the future are dead-lettered (they would pin last_seen_at).")
                    .define(
                            MAX_RECORD_BYTES,
                            ConfigDef.Type.INT,
                            16 * 1024,
                            Range.between(64, 1024 * 1024),
                            Importance.LOW,
                            "Largest accepted patch, in bytes.")
                    .define(
                            HTTP_HOST,
                            ConfigDef.Type.STRING,
                            "0.0.0.0",
                            Importance.MEDIUM,
                            "Interface of /healthz, /readyz and /metrics.")
                    .define(
                            HTTP_PORT,
                            ConfigDef.Type.INT,
                            7071,
                            Range.between(0, 65535),
                            Importance.MEDIUM,
                            "Port of /healthz, /readyz and /metrics (0 picks a free port).")));

    /** Set by the applier, never by configuration: they are what makes the commit-after-apply contract hold. */
    private static final Map<String, Object> FIXED_CONSUMER = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");

    private ApplierConfigLoader() {}

    /** Loads a properties file, applies environment overrides, validates. */
    public static ApplierConfig load(Path file, Map<String, String> env) {
        Map<String, Object> values = ConfigSources.read(file);
        applyEnvironment(values, env);
        return fromMap(values);
    }

    /** Environment variable name for a key (see class doc). */
    public static String envName(String key) {
        return ConfigSources.envName(key);
    }

    static void applyEnvironment(Map<String, Object> values, Map<String, String> env) {
        List<String> keys = new ArrayList<>(DEFINITION.names());
        keys.addAll(KafkaClientConfig.environmentKeys());
        for (PGProperty p : PGProperty.values()) {
            keys.add(DatabaseConfig.JDBC_PROPERTY_PREFIX + p.getName());
        }
        ConfigSources.applyEnvironment(values, keys, env);
    }

    /** Validates a complete key → value map (values as strings or typed). */
    public static ApplierConfig fromMap(Map<String, ?> values) {
        Map<String, Object> own = new HashMap<>();
        Properties driver = new Properties();
        Map<String, Object> clients = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(DatabaseConfig.JDBC_PROPERTY_PREFIX)) {
                driver.setProperty(DatabaseConfig.driverProperty(k), String.valueOf(v));
            } else if (k.startsWith(PREFIX)) {
                if (!DEFINITION.names().contains(k)) {
                    throw new ConfigException(
                            k,
                            NOT_SHOWN,
                            "unknown lastseen apply configuration key (known keys: "
                                    + String.join(
                                            ", ",
                                            DEFINITION.names().stream().sorted().toList()) + ", and "
                                    + DatabaseConfig.JDBC_PROPERTY_PREFIX + "<PgJDBC property>)");
                }
                own.put(k, v);
            } else {
                clients.put(k, v);
            }
        });
        AbstractConfig c = new AbstractConfig(DEFINITION, own, false);
        ApplierConfig.Database database = DatabaseConfig.from(c, driver);
        Target target = TargetConfig.from(c);
        ApplierConfig.Batching batching = BatchConfig.from(c);

        ApplierConfig.Topics topics = new ApplierConfig.Topics(c.getString(TOPIC), c.getString(DLQ_TOPIC));
        if (topics.tokenLastSeen().equals(topics.deadLetter())) {
            throw new ConfigException(DLQ_TOPIC, topics.deadLetter(), "must differ from " + TOPIC);
        }
        return new ApplierConfig(
                database,
                target,
                batching,
                topics,
                RegistryConfig.from(c),
                new HttpServerSettings(c.getString(HTTP_HOST), c.getInt(HTTP_PORT)),
                Duration.ofMillis(c.getLong(CLOCK_SKEW_ALLOWANCE_MS)),
                c.getInt(MAX_RECORD_BYTES),
                IdentityConfig.from(c),
                TargetConfig.privilegeCheckInterval(c),
                consumer(clients),
                producer(clients));
    }

    private static Map<String, Object> consumer(Map<String, Object> given) {
        Set<String> consumerKeys = ConsumerConfig.configNames();
        Set<String> producerKeys = ProducerConfig.configNames();
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, DEFAULT_GROUP_ID);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        given.forEach((k, v) -> {
            if (!consumerKeys.contains(k) && !producerKeys.contains(k)) {
                throw new ConfigException(k, v, "is neither a lastseen key nor a Kafka consumer or producer key");
            }
            if (k.equals(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
                throw new ConfigException(
                        k,
                        v,
                        "is set through " + IdentityConfig.INSTANCE_ID + " (or kept in " + IdentityConfig.STATE_DIR
                                + "): one name to get right");
            }
            if (FIXED_CONSUMER.containsKey(k)
                    && !FIXED_CONSUMER.get(k).equals(String.valueOf(v).trim().toLowerCase(Locale.ROOT))) {
                throw new ConfigException(
                        k,
                        v,
                        "must be " + FIXED_CONSUMER.get(k) + ": offsets are committed only after the database commit, "
                                + "and only committed patches are applied");
            }
            if (consumerKeys.contains(k)) {
                p.put(k, v);
            }
        });
        p.putAll(FIXED_CONSUMER);
        KafkaClientConfig.requireBootstrapServers(p);
        new ConsumerConfig(withByteDeserializers(p)); // validates every consumer key; its errors name the key
        return p;
    }

    private static Map<String, Object> producer(Map<String, Object> given) {
        Set<String> producerKeys = ProducerConfig.configNames();
        Map<String, Object> p = new HashMap<>();
        given.forEach((k, v) -> {
            // Connection and security settings are shared with the consumer; consumer-only keys are not the producer's
            // business.
            if (producerKeys.contains(k)) {
                p.put(k, v);
            }
        });
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, DEFAULT_GROUP_ID + "-dlq");
        return p;
    }

    private static Map<String, Object> withByteDeserializers(Map<String, Object> p) {
        Map<String, Object> copy = new HashMap<>(p);
        copy.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        copy.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        return copy;
    }
}
