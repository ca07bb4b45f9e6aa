package dev.lastseen.app.config;

import dev.lastseen.config.ConfigSources;
import dev.lastseen.state.BoundedMemoryRocksDBConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Loads and validates configuration at start-up: a properties file, then environment
 * overrides. Keys in the {@code lastseen.} namespace are lastseen's own (declared below with
 * Kafka's {@link ConfigDef}, so errors read "Invalid value X for configuration KEY: why");
 * every other key is a Kafka Streams / client property and is passed through.
 *
 * <p>Environment: any declared key, any Kafka Streams key and any consumer/producer key (so
 * {@code security.protocol}, {@code sasl.*}, {@code ssl.*}) can be set as
 * {@code LASTSEEN_} + the key without a leading {@code lastseen.}, upper-cased, with dots and
 * dashes as underscores: {@code lastseen.http.port} → {@code LASTSEEN_HTTP_PORT},
 * {@code bootstrap.servers} → {@code LASTSEEN_BOOTSTRAP_SERVERS}.
 */
public final class ConfigLoader {
    public static final String TOPIC_LOGIN_EVENTS = "lastseen.topic.login-events";
    public static final String TOPIC_SERVICE_TOKENS = "lastseen.topic.service-tokens";
    public static final String TOPIC_TOKEN_LAST_SEEN = "lastseen.topic.token-last-seen";
    public static final String TOPIC_AUTH_FAILURE_ALERTS = "lastseen.topic.auth-failure-alerts";
    public static final String TOPIC_DLQ = "lastseen.topic.dlq";
    public static final String REGISTRY_URL = "lastseen.schema.registry.url";
    public static final String REGISTRY_BASIC_USER = "lastseen.schema.registry.basic.user";
    public static final String REGISTRY_BASIC_PASSWORD = "lastseen.schema.registry.basic.password";
    public static final String REGISTRY_BEARER_TOKEN = "lastseen.schema.registry.bearer.token";
    public static final String REGISTRY_AUTO_REGISTER = "lastseen.schema.registry.auto.register";
    public static final String REGISTRY_CONNECT_TIMEOUT_MS = "lastseen.schema.registry.connect.timeout.ms";
    public static final String REGISTRY_READ_TIMEOUT_MS = "lastseen.schema.registry.read.timeout.ms";
    public static final String PATCH_GRANULARITY_MS = "lastseen.last-seen.granularity.ms";
    public static final String CLOCK_SKEW_ALLOWANCE_MS = "lastseen.clock-skew.allowance.ms";
    public static final String MAX_RECORD_BYTES = "lastseen.input.max.record.bytes";
    public static final String NEVER_SEEN_RETENTION_MS = "lastseen.usage.never-seen.retention.ms";
    public static final String RETIRED_RETENTION_MS = "lastseen.usage.retired.retention.ms";
    public static final String GUARD_RETENTION_MS = "lastseen.last-seen.guard.retention.ms";
    public static final String SECRET_MIN_LENGTH = "lastseen.secret.min.length";
    public static final String SECRET_PLACEHOLDERS = "lastseen.secret.placeholders";
    public static final String NEVER_SEEN_MAX_ENTRIES = "lastseen.usage.never-seen.max.entries";
    public static final String HTTP_HOST = "lastseen.http.host";
    public static final String HTTP_PORT = "lastseen.http.port";
    public static final String HTTP_MANAGEMENT_PORT = "lastseen.http.management.port";
    public static final String HTTP_MAX_CONCURRENT_QUERIES = "lastseen.http.max.concurrent.queries";
    public static final String HTTP_MAX_CONNECTIONS = "lastseen.http.max.connections";
    public static final String HTTP_MAX_HEADER_BYTES = "lastseen.http.max.header.bytes";
    public static final String HTTP_IDLE_TIMEOUT_MS = "lastseen.http.idle.timeout.ms";
    public static final String HTTP_THREADS = "lastseen.http.threads";
    public static final String HTTP_TLS_KEYSTORE_PATH = "lastseen.http.tls.keystore.path";
    public static final String HTTP_TLS_KEYSTORE_PASSWORD = "lastseen.http.tls.keystore.password";
    public static final String HTTP_TLS_KEYSTORE_TYPE = "lastseen.http.tls.keystore.type";
    public static final String SPIKE_WINDOW_MS = "lastseen.spike.window.ms";
    public static final String SPIKE_GRACE_MS = "lastseen.spike.grace.ms";
    public static final String SPIKE_MINIMUM = "lastseen.spike.minimum";
    public static final String SPIKE_FACTOR = "lastseen.spike.factor";
    public static final String SPIKE_BASELINE_ALPHA = "lastseen.spike.baseline.alpha";
    public static final String THRESHOLDS_FILE = "lastseen.thresholds.file";
    public static final String THRESHOLDS_POLL_MS = "lastseen.thresholds.poll.ms";
    public static final String QUERY_DEADLINE_MS = "lastseen.query.deadline.ms";
    public static final String QUERY_FORWARD_CONNECT_TIMEOUT_MS = "lastseen.query.forward.connect.timeout.ms";
    public static final String QUERY_FORWARD_READ_TIMEOUT_MS = "lastseen.query.forward.read.timeout.ms";
    public static final String QUERY_MAX_PAGE_SCAN = "lastseen.query.max.page.scan";
    public static final String QUERY_MAX_STALE_LAG = "lastseen.query.max.stale.lag";
    public static final String INSTANCE_ID = "lastseen.instance.id";
    public static final String SHUTDOWN_TIMEOUT_MS = "lastseen.shutdown.timeout.ms";
    public static final String SHUTDOWN_LEAVE_GROUP = "lastseen.shutdown.leave-group";
    public static final String RECORD_MAX_RETRIES = "lastseen.errors.record.max.retries";
    public static final String QUERY_FORWARD_CREDENTIAL = "lastseen.query.forward.credential";
    public static final String QUERY_FORWARD_TRUSTSTORE_PATH = "lastseen.query.forward.truststore.path";
    public static final String QUERY_FORWARD_TRUSTSTORE_PASSWORD = "lastseen.query.forward.truststore.password";
    public static final String QUERY_FORWARD_TRUSTSTORE_TYPE = "lastseen.query.forward.truststore.type";
    public static final String ROCKSDB_MEMORY_BYTES = BoundedMemoryRocksDBConfig.TOTAL_MEMORY_CONFIG;
    public static final String ROCKSDB_WRITE_BUFFER_RATIO = BoundedMemoryRocksDBConfig.WRITE_BUFFER_RATIO_CONFIG;

    /** Bound on the size of the configuration and API-key files: they are inputs too. */
    static final long MAX_FILE_BYTES = ConfigSources.MAX_FILE_BYTES;

    /**
     * Kafka bounds {@code group.instance.id} at 249 characters; Kafka Streams appends "-" and the thread
     * index, so the name itself keeps room for that.
     */
    static final int MAX_INSTANCE_ID_LENGTH = 240;

    static final int MAX_PLACEHOLDERS = 1000;
    /**
     * Values a token service writes instead of a hash when it has none, redacts one, or was never
     * configured (compared case-insensitively). Most are shorter than the default minimum length and
     * are rejected for that already; the list matters when {@value #SECRET_MIN_LENGTH} is lowered.
     */
    public static final List<String> DEFAULT_SECRET_PLACEHOLDERS = List.of(
            "REDACTED",
            "[REDACTED]",
            "<REDACTED>",
            "***REDACTED***",
            "REDACTED_SECRET",
            "REDACTED-SECRET",
            "****",
            "********",
            "null",
            "nil",
            "none",
            "undefined",
            "empty",
            "n/a",
            "changeme",
            "change-me",
            "change_me",
            "changeit",
            "placeholder",
            "secret",
            "password",
            "dummy",
            "example",
            "test",
            "todo",
            "tbd",
            "xxx",
            "masked",
            "hidden",
            "sha256:",
            "sha256:REDACTED");

    static final int MIN_FORWARD_CREDENTIAL_LENGTH = 32;
    static final int MAX_FORWARD_CREDENTIALS = 2;
    /** Threads the API server needs besides its query handlers (acceptors, selectors, quick answers). */
    static final int HTTP_THREAD_HEADROOM = 16;

    public static final ConfigDef DEFINITION =
            HttpExposure.define(PeerAuthConfig.define(ApiAccessConfig.define(new ConfigDef()
                    .define(
                            TOPIC_LOGIN_EVENTS,
                            ConfigDef.Type.STRING,
                            TopicNames.LOGIN_EVENTS,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Input topic of LoginEvent records.")
                    .define(
                            TOPIC_SERVICE_TOKENS,
                            ConfigDef.Type.STRING,
                            TopicNames.SERVICE_TOKENS,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Input topic of ServiceToken records (compacted; never written by lastseen).")
                    .define(
                            TOPIC_TOKEN_LAST_SEEN,
                            ConfigDef.Type.STRING,
                            TopicNames.TOKEN_LAST_SEEN,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Output topic of TokenLastSeen patches.")
                    .define(
                            TOPIC_AUTH_FAILURE_ALERTS,
                            ConfigDef.Type.STRING,
                            TopicNames.AUTH_FAILURE_ALERTS,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Output topic of AuthFailureSpike alerts.")
                    .define(
                            TOPIC_DLQ,
                            ConfigDef.Type.STRING,
                            TopicNames.DEAD_LETTER,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Dead-letter topic for rejected input records.")
                    .define(
                            REGISTRY_URL,
                            ConfigDef.Type.STRING,
                            ConfigDef.NO_DEFAULT_VALUE,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Base URL of a Confluent-compatible schema registry REST API, e.g. http://host:8081 or http://host:8080/apis/ccompat/v7.")
                    .define(
                            REGISTRY_BASIC_USER,
                            ConfigDef.Type.STRING,
                            null,
                            Importance.LOW,
                            "Basic-auth user for the registry.")
                    .define(
                            REGISTRY_BASIC_PASSWORD,
                            ConfigDef.Type.PASSWORD,
                            null,
                            Importance.LOW,
                            "Basic-auth password for the registry.")
                    .define(
                            REGISTRY_BEARER_TOKEN,
                            ConfigDef.Type.PASSWORD,
                            null,
                            Importance.LOW,
                            "Bearer token for the registry.")
                    .define(
                            REGISTRY_AUTO_REGISTER,
                            ConfigDef.Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            "Register lastseen's schemas when their subjects lack them (after a compatibility check).")
                    .define(
                            REGISTRY_CONNECT_TIMEOUT_MS,
                            ConfigDef.Type.LONG,
                            5_000L,
                            Range.between(100, 120_000),
                            Importance.LOW,
                            "Registry connect timeout.")
                    .define(
                            REGISTRY_READ_TIMEOUT_MS,
                            ConfigDef.Type.LONG,
                            10_000L,
                            Range.between(100, 300_000),
                            Importance.LOW,
                            "Registry read timeout.")
                    .define(
                            PATCH_GRANULARITY_MS,
                            ConfigDef.Type.LONG,
                            60_000L,
                            Range.between(0, 86_400_000),
                            Importance.MEDIUM,
                            "A TokenLastSeen patch is emitted on a token's first sighting and when last_seen_at advances at least this much past the last patch.")
                    .define(
                            CLOCK_SKEW_ALLOWANCE_MS,
                            ConfigDef.Type.LONG,
                            300_000L,
                            Range.between(0, 86_400_000),
                            Importance.MEDIUM,
                            "Events dated further than this into the future are rejected (they would pin last-seen).")
                    .define(
                            MAX_RECORD_BYTES,
                            ConfigDef.Type.INT,
                            16 * 1024,
                            Range.between(64, 1024 * 1024),
                            Importance.MEDIUM,
                            "Largest accepted input record value, in bytes.")
                    .define(
                            NEVER_SEEN_RETENTION_MS,
                            ConfigDef.Type.LONG,
                            7L * 86_400_000,
                            Range.between(0, 3_650L * 86_400_000),
                            Importance.MEDIUM,
                            "Usage of a token id that never authenticated successfully is deleted this long after its last failure "
                                    + "(failures for unknown ids would otherwise grow state at the rate they arrive); 0 keeps it forever.")
                    .define(
                            RETIRED_RETENTION_MS,
                            ConfigDef.Type.LONG,
                            30L * 86_400_000,
                            Range.between(0, 3_650L * 86_400_000),
                            Importance.MEDIUM,
                            "Usage of a token the registry deleted or moved to another account stays readable this long after the delete/move, "
                                    + "then is deleted; 0 keeps it forever.")
                    .define(
                            GUARD_RETENTION_MS,
                            ConfigDef.Type.LONG,
                            30L * 86_400_000,
                            Range.between(0, 3_650L * 86_400_000),
                            Importance.LOW,
                            "token-last-seen never moves backwards for a token: the last patched last_seen_at of each token is remembered this "
                                    + "long after it (an event arriving later than this could move the topic back); 0 keeps it forever.")
                    .define(
                            SECRET_MIN_LENGTH,
                            ConfigDef.Type.INT,
                            16,
                            Range.between(1, InputBounds.DEFAULTS.maxSecretHashLength()),
                            Importance.MEDIUM,
                            "Shortest client_secret_hash accepted from service-tokens; shorter ones are rejected (secret_too_short).")
                    .define(
                            SECRET_PLACEHOLDERS,
                            ConfigDef.Type.LIST,
                            DEFAULT_SECRET_PLACEHOLDERS,
                            ConfigDef.LambdaValidator.with(
                                    ConfigLoader::validatePlaceholders,
                                    () -> "at most " + MAX_PLACEHOLDERS + " entries of 1.."
                                            + InputBounds.DEFAULTS.maxSecretHashLength() + " characters"),
                            Importance.MEDIUM,
                            "Comma-separated client_secret_hash values that are placeholders, not secrets (compared case-insensitively; a value "
                                    + "of one repeated character is always one); such records are rejected (secret_placeholder). Empty: none.")
                    .define(
                            NEVER_SEEN_MAX_ENTRIES,
                            ConfigDef.Type.LONG,
                            1_000_000L,
                            Range.between(100, 1_000_000_000),
                            Importance.MEDIUM,
                            "Most usage entries of token ids that never authenticated successfully that one task (account partition) keeps; "
                                    + "past it, each new one evicts the one with the oldest last failure (a hard bound on what a flood of "
                                    + "failed logins with random token ids can grow).")
                    .define(
                            HTTP_HOST,
                            ConfigDef.Type.STRING,
                            "0.0.0.0",
                            Importance.MEDIUM,
                            "Interface the REST server binds to.")
                    .define(
                            HTTP_PORT,
                            ConfigDef.Type.INT,
                            7070,
                            Range.between(0, 65535),
                            Importance.MEDIUM,
                            "Port of the REST server (0 picks a free port).")
                    .define(
                            HTTP_MANAGEMENT_PORT,
                            ConfigDef.Type.INT,
                            7072,
                            Range.between(-1, 65535),
                            Importance.MEDIUM,
                            "Port of the management server: /healthz, /readyz and /metrics on a connector and threads of their own, "
                                    + "so probes and scrapes are answered whatever the query load (0 picks a free port; -1: none, "
                                    + "they are then served on the API port only).")
                    .define(
                            HTTP_MAX_CONCURRENT_QUERIES,
                            ConfigDef.Type.INT,
                            32,
                            Range.between(1, 10_000),
                            Importance.MEDIUM,
                            "Most /v1 queries from clients answered at once (and, separately, as many forwarded by other instances); "
                                    + "one more is answered 503 with Retry-After at once.")
                    .define(
                            HTTP_MAX_CONNECTIONS,
                            ConfigDef.Type.INT,
                            512,
                            Range.between(8, 100_000),
                            Importance.LOW,
                            "Most open connections to the API port; further ones wait in the accept backlog.")
                    .define(
                            HTTP_MAX_HEADER_BYTES,
                            ConfigDef.Type.INT,
                            8_192,
                            Range.between(2_048, 1_048_576),
                            Importance.LOW,
                            "Largest request line plus headers accepted (431 beyond).")
                    .define(
                            HTTP_IDLE_TIMEOUT_MS,
                            ConfigDef.Type.LONG,
                            30_000L,
                            Range.between(1_000, 3_600_000),
                            Importance.LOW,
                            "A connection that sends or reads nothing for this long is closed.")
                    .define(
                            HTTP_THREADS,
                            ConfigDef.Type.INT,
                            96,
                            Range.between(HTTP_THREAD_HEADROOM + 2, 20_000),
                            Importance.LOW,
                            "Threads of the API server; at least twice lastseen.http.max.concurrent.queries plus "
                                    + HTTP_THREAD_HEADROOM + ".")
                    .define(
                            HTTP_TLS_KEYSTORE_PATH,
                            ConfigDef.Type.STRING,
                            null,
                            Importance.MEDIUM,
                            "Keystore with the API's TLS key and certificate: when set, the API port speaks HTTPS only, and queries "
                                    + "are forwarded to other instances over HTTPS.")
                    .define(
                            HTTP_TLS_KEYSTORE_PASSWORD,
                            ConfigDef.Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            "Password of the keystore (and of its key).")
                    .define(
                            HTTP_TLS_KEYSTORE_TYPE,
                            ConfigDef.Type.STRING,
                            "PKCS12",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Keystore type.")
                    .define(
                            SPIKE_WINDOW_MS,
                            ConfigDef.Type.LONG,
                            60_000L,
                            Range.between(1_000, 3_600_000),
                            Importance.MEDIUM,
                            "Failure-spike window size.")
                    .define(
                            SPIKE_GRACE_MS,
                            ConfigDef.Type.LONG,
                            30_000L,
                            Range.between(0, 3_600_000),
                            Importance.MEDIUM,
                            "How late a failure may arrive and still count in its window.")
                    .define(
                            SPIKE_MINIMUM,
                            ConfigDef.Type.LONG,
                            20L,
                            Range.between(1, 1_000_000),
                            Importance.MEDIUM,
                            "Default minimum failures per window for a spike.")
                    .define(
                            SPIKE_FACTOR,
                            ConfigDef.Type.DOUBLE,
                            3.0,
                            Range.between(1.0, 1000.0),
                            Importance.MEDIUM,
                            "Default factor over the baseline for a spike.")
                    .define(
                            SPIKE_BASELINE_ALPHA,
                            ConfigDef.Type.DOUBLE,
                            0.2,
                            Range.between(0.001, 1.0),
                            Importance.LOW,
                            "Weight of the newest window in the moving-average baseline.")
                    .define(
                            THRESHOLDS_FILE,
                            ConfigDef.Type.STRING,
                            null,
                            Importance.MEDIUM,
                            "Per-account spike thresholds (JSON), reloaded when it changes.")
                    .define(
                            THRESHOLDS_POLL_MS,
                            ConfigDef.Type.LONG,
                            5_000L,
                            Range.between(100, 3_600_000),
                            Importance.LOW,
                            "How often the thresholds file is checked for changes.")
                    .define(
                            QUERY_DEADLINE_MS,
                            ConfigDef.Type.LONG,
                            5_000L,
                            Range.between(100, 60_000),
                            Importance.MEDIUM,
                            "How long a query retries (with backoff) while its state is unavailable (rebalance, restore, owner lost) before answering 503 with Retry-After.")
                    .define(
                            QUERY_FORWARD_CONNECT_TIMEOUT_MS,
                            ConfigDef.Type.LONG,
                            1_000L,
                            Range.between(50, 60_000),
                            Importance.LOW,
                            "Connect timeout of a query forwarded to the instance that owns the account.")
                    .define(
                            QUERY_FORWARD_READ_TIMEOUT_MS,
                            ConfigDef.Type.LONG,
                            3_000L,
                            Range.between(100, 120_000),
                            Importance.LOW,
                            "Time a forwarded query may take to answer completely.")
                    .define(
                            QUERY_MAX_PAGE_SCAN,
                            ConfigDef.Type.INT,
                            10_000,
                            Range.between(1_000, 1_000_000),
                            Importance.LOW,
                            "Most registry entries one listing page examines; a page ends early (with a next_page_token) when reached, bounding latency.")
                    .define(
                            QUERY_MAX_STALE_LAG,
                            ConfigDef.Type.LONG,
                            1_000L,
                            Range.between(0, Long.MAX_VALUE),
                            Importance.LOW,
                            "A standby (or restoring) copy answers for an unavailable owner only while it is at most this many changelog records behind; a copy still restoring from scratch must not answer.")
                    .define(
                            INSTANCE_ID,
                            ConfigDef.Type.STRING,
                            null,
                            new InstanceIdValidator(),
                            Importance.HIGH,
                            "This instance's stable, unique name (the StatefulSet pod name in ops/k8s). Set: the instance is a "
                                    + "static member of the consumer group (group.instance.id), so a restart with the same name "
                                    + "takes its tasks back at once instead of waiting for the old member's session to expire. "
                                    + "Unset: a dynamic member. Two running instances must never share a name.")
                    .define(
                            SHUTDOWN_TIMEOUT_MS,
                            ConfigDef.Type.LONG,
                            30_000L,
                            Range.between(1_000, 600_000),
                            Importance.MEDIUM,
                            "How long a planned shutdown (SIGTERM) waits for Kafka Streams to commit, flush and checkpoint. "
                                    + "Keep the pod's terminationGracePeriodSeconds above it.")
                    .define(
                            SHUTDOWN_LEAVE_GROUP,
                            ConfigDef.Type.STRING,
                            LeaveGroup.AUTO.code(),
                            ConfigDef.ValidString.in(LeaveGroup.codes()),
                            Importance.MEDIUM,
                            "Whether a planned shutdown leaves the consumer group at once: auto (a dynamic member leaves, a static "
                                    + "member stays, expecting to be back within session.timeout.ms), always, never.")
                    .define(
                            RECORD_MAX_RETRIES,
                            ConfigDef.Type.INT,
                            2,
                            Range.between(0, 20),
                            Importance.MEDIUM,
                            "A record whose processing fails with an unexpected error (not a rejected record, not an infrastructure "
                                    + "fault) is retried this many times (each retry fails the task and replaces the stream thread), "
                                    + "then dead-lettered with reason processing_error, so one record cannot stall its partition.")
                    .define(
                            QUERY_FORWARD_CREDENTIAL,
                            ConfigDef.Type.PASSWORD,
                            null,
                            Importance.HIGH,
                            "The key instances of one deployment sign forwarded queries with (HMAC-SHA256 over method, target,"
                                    + " path and time, valid 30 s; the key itself is never sent; at least "
                                    + MIN_FORWARD_CREDENTIAL_LENGTH
                                    + " characters, the same on every instance). Without it an "
                                    + "instance forwards nothing and honours no forwarded request. To rotate it, give two, "
                                    + "comma-separated: both are accepted, the first signs. Needs TLS with a truststore, "
                                    + "and lastseen.query.forward.allowed.hosts.")
                    .define(
                            QUERY_FORWARD_TRUSTSTORE_PATH,
                            ConfigDef.Type.STRING,
                            null,
                            Importance.MEDIUM,
                            "Truststore for the other instances' TLS certificates: required when the API uses TLS and forwards queries"
                                    + " (the JDK's public CAs are never trusted for instances).")
                    .define(
                            QUERY_FORWARD_TRUSTSTORE_PASSWORD,
                            ConfigDef.Type.PASSWORD,
                            null,
                            Importance.LOW,
                            "Password of the truststore.")
                    .define(
                            QUERY_FORWARD_TRUSTSTORE_TYPE,
                            ConfigDef.Type.STRING,
                            "PKCS12",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Truststore type.")
                    .define(
                            ROCKSDB_MEMORY_BYTES,
                            ConfigDef.Type.LONG,
                            BoundedMemoryRocksDBConfig.DEFAULT_TOTAL_MEMORY,
                            Range.atLeast(16L * 1024 * 1024),
                            Importance.MEDIUM,
                            "Total off-heap memory of all RocksDB stores (block cache + memtables).")
                    .define(
                            ROCKSDB_WRITE_BUFFER_RATIO,
                            ConfigDef.Type.DOUBLE,
                            BoundedMemoryRocksDBConfig.DEFAULT_WRITE_BUFFER_RATIO,
                            Range.between(0.05, 0.9),
                            Importance.LOW,
                            "Share of the RocksDB memory given to memtables."))));

    private ConfigLoader() {}

    private static void validatePlaceholders(String name, Object value) {
        @SuppressWarnings("unchecked")
        List<String> placeholders = (List<String>) value;
        if (placeholders.size() > MAX_PLACEHOLDERS) {
            throw new ConfigException(
                    name, placeholders.size() + " entries", "at most " + MAX_PLACEHOLDERS + " placeholders");
        }
        for (int i = 0; i < placeholders.size(); i++) {
            String p = placeholders.get(i);
            if (p.isEmpty() || p.length() > InputBounds.DEFAULTS.maxSecretHashLength()) {
                throw new ConfigException(
                        name,
                        "entry #" + (i + 1),
                        "each placeholder must be 1.." + InputBounds.DEFAULTS.maxSecretHashLength()
                                + " characters (empty entries between commas are not allowed)");
            }
        }
    }

    /** Loads a properties file, applies environment overrides, validates. */
    public static LastseenConfig load(Path file, Map<String, String> env) {
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
        keys.addAll(StreamsConfig.configDef().names());
        // Client keys too (security.protocol, sasl.*, ssl.*, ...): a secured cluster must be
        // configurable from the environment, e.g. from a Kubernetes Secret.
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(ProducerConfig.configNames());
        ConfigSources.applyEnvironment(values, keys, env);
    }

    /** Validates a complete key → value map (values as strings or typed). */
    public static LastseenConfig fromMap(Map<String, ?> values) {
        Map<String, Object> own = new HashMap<>();
        Map<String, Object> streams = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("lastseen.")) {
                ApiAccessConfig.refuseRemoved(k);
                if (!DEFINITION.names().contains(k)) {
                    throw new ConfigException(
                            k,
                            v,
                            "unknown lastseen configuration key (known keys: " + String.join(", ", DEFINITION.names())
                                    + ")");
                }
                own.put(k, v);
            } else {
                streams.put(k, v);
            }
        });
        AbstractConfig c = new AbstractConfig(DEFINITION, own, false);

        Password basicPassword = c.getPassword(REGISTRY_BASIC_PASSWORD);
        Password bearer = c.getPassword(REGISTRY_BEARER_TOKEN);
        String basicUser = c.getString(REGISTRY_BASIC_USER);
        if ((basicUser == null) != (basicPassword == null)) {
            throw new ConfigException(
                    REGISTRY_BASIC_USER + " and " + REGISTRY_BASIC_PASSWORD + " must be set together");
        }
        if (basicUser != null && bearer != null) {
            throw new ConfigException(REGISTRY_BEARER_TOKEN + " cannot be combined with " + REGISTRY_BASIC_USER
                    + ": choose one registry authentication");
        }
        String url = c.getString(REGISTRY_URL);
        if (!url.equals("mem:") && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException(
                    REGISTRY_URL, url, "must be an http:// or https:// URL (or mem: for the in-memory demo registry)");
        }
        LastseenConfig.RegistrySettings registry = new LastseenConfig.RegistrySettings(
                url,
                basicUser,
                basicPassword == null ? null : basicPassword.value(),
                bearer == null ? null : bearer.value(),
                c.getBoolean(REGISTRY_AUTO_REGISTER),
                Duration.ofMillis(c.getLong(REGISTRY_CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(c.getLong(REGISTRY_READ_TIMEOUT_MS)));

        TopicNames topics = new TopicNames(
                c.getString(TOPIC_LOGIN_EVENTS),
                c.getString(TOPIC_SERVICE_TOKENS),
                c.getString(TOPIC_TOKEN_LAST_SEEN),
                c.getString(TOPIC_AUTH_FAILURE_ALERTS),
                c.getString(TOPIC_DLQ));
        if (topics.loginEvents().equals(topics.serviceTokens())) {
            throw new ConfigException(
                    TOPIC_SERVICE_TOKENS, topics.serviceTokens(), "must differ from " + TOPIC_LOGIN_EVENTS);
        }
        InputBounds d = InputBounds.DEFAULTS;
        InputBounds bounds = new InputBounds(
                c.getInt(MAX_RECORD_BYTES),
                d.maxEventIdLength(),
                d.maxFailureReasonLength(),
                d.maxColoLength(),
                d.maxClientIpLength(),
                d.maxNameLength(),
                d.maxClientIdLength(),
                d.maxSecretHashLength());

        LastseenConfig.SpikeSettings spikes = new LastseenConfig.SpikeSettings(
                Duration.ofMillis(c.getLong(SPIKE_WINDOW_MS)),
                Duration.ofMillis(c.getLong(SPIKE_GRACE_MS)),
                c.getLong(SPIKE_MINIMUM),
                c.getDouble(SPIKE_FACTOR),
                c.getDouble(SPIKE_BASELINE_ALPHA),
                c.getString(THRESHOLDS_FILE),
                Duration.ofMillis(c.getLong(THRESHOLDS_POLL_MS)));

        LastseenConfig.ResilienceSettings resilience = new LastseenConfig.ResilienceSettings(
                c.getString(INSTANCE_ID),
                Duration.ofMillis(c.getLong(SHUTDOWN_TIMEOUT_MS)),
                LeaveGroup.fromCode(c.getString(SHUTDOWN_LEAVE_GROUP)),
                c.getInt(RECORD_MAX_RETRIES));

        LastseenConfig.HttpSettings http = httpSettings(c);
        LastseenConfig.QuerySettings query = querySettings(c, http.tls() != null);
        ApiAccessConfig.Settings apiAccess = ApiAccessConfig.settings(c);
        PeerAuthConfig.refusePlainHttpCredentials(
                c, http.tls() != null, apiAccess.keyFile() != null, query.forwardCredential() != null);
        return new LastseenConfig(
                topics,
                registry,
                Duration.ofMillis(c.getLong(PATCH_GRANULARITY_MS)),
                Duration.ofMillis(c.getLong(CLOCK_SKEW_ALLOWANCE_MS)),
                bounds,
                http,
                apiAccess,
                spikes,
                query,
                new LastseenConfig.RetentionSettings(
                        Duration.ofMillis(c.getLong(NEVER_SEEN_RETENTION_MS)),
                        Duration.ofMillis(c.getLong(RETIRED_RETENTION_MS)),
                        Duration.ofMillis(c.getLong(GUARD_RETENTION_MS))),
                c.getLong(NEVER_SEEN_MAX_ENTRIES),
                new LastseenConfig.SecretSettings(c.getInt(SECRET_MIN_LENGTH), c.getList(SECRET_PLACEHOLDERS)),
                resilience,
                streamsProperties(streams, c, topics));
    }

    private static LastseenConfig.HttpSettings httpSettings(AbstractConfig c) {
        int port = c.getInt(HTTP_PORT);
        int management = c.getInt(HTTP_MANAGEMENT_PORT);
        if (management > 0 && management == port) {
            throw new ConfigException(
                    HTTP_MANAGEMENT_PORT,
                    management,
                    "must differ from " + HTTP_PORT + " (or be -1 for no management port)");
        }
        int queries = c.getInt(HTTP_MAX_CONCURRENT_QUERIES);
        int threads = c.getInt(HTTP_THREADS);
        if (threads < 2 * queries + HTTP_THREAD_HEADROOM) {
            throw new ConfigException(
                    HTTP_THREADS,
                    threads,
                    "must be at least twice " + HTTP_MAX_CONCURRENT_QUERIES + " (" + queries + ") plus "
                            + HTTP_THREAD_HEADROOM
                            + ": client queries and forwarded ones each have that many handlers");
        }
        LastseenConfig.HttpLimits limits = new LastseenConfig.HttpLimits(
                queries,
                c.getInt(HTTP_MAX_CONNECTIONS),
                c.getInt(HTTP_MAX_HEADER_BYTES),
                Duration.ofMillis(c.getLong(HTTP_IDLE_TIMEOUT_MS)),
                threads);
        LastseenConfig.KeyStoreFile keystore =
                keyStore(c, HTTP_TLS_KEYSTORE_PATH, HTTP_TLS_KEYSTORE_PASSWORD, HTTP_TLS_KEYSTORE_TYPE, true);
        return new LastseenConfig.HttpSettings(
                c.getString(HTTP_HOST), port, management, limits, keystore, HttpExposure.of(c, management));
    }

    private static LastseenConfig.QuerySettings querySettings(AbstractConfig c, boolean tls) {
        Password credential = c.getPassword(QUERY_FORWARD_CREDENTIAL);
        List<String> credentials = credential == null
                ? List.of()
                : Arrays.stream(credential.value().split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
        if (credentials.size() > MAX_FORWARD_CREDENTIALS) {
            throw new ConfigException(
                    QUERY_FORWARD_CREDENTIAL,
                    "[hidden]",
                    credentials.size() + " credentials given; at most " + MAX_FORWARD_CREDENTIALS
                            + " (the one sent, and the one being rotated out)");
        }
        for (int i = 0; i < credentials.size(); i++) {
            if (credentials.get(i).length() < MIN_FORWARD_CREDENTIAL_LENGTH) {
                throw new ConfigException(
                        QUERY_FORWARD_CREDENTIAL,
                        "[hidden]",
                        "credential #" + (i + 1) + " is shorter than " + MIN_FORWARD_CREDENTIAL_LENGTH
                                + " characters; generate one, e.g. with 'openssl rand -base64 32', and give every"
                                + " instance the same");
            }
        }
        LastseenConfig.KeyStoreFile trust = keyStore(
                c,
                QUERY_FORWARD_TRUSTSTORE_PATH,
                QUERY_FORWARD_TRUSTSTORE_PASSWORD,
                QUERY_FORWARD_TRUSTSTORE_TYPE,
                false);
        return new LastseenConfig.QuerySettings(
                Duration.ofMillis(c.getLong(QUERY_DEADLINE_MS)),
                Duration.ofMillis(c.getLong(QUERY_FORWARD_CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(c.getLong(QUERY_FORWARD_READ_TIMEOUT_MS)),
                c.getInt(QUERY_MAX_PAGE_SCAN),
                c.getLong(QUERY_MAX_STALE_LAG),
                credentials,
                trust,
                PeerAuthConfig.forwardHosts(c, !credentials.isEmpty(), tls, trust != null));
    }

    /** A configured keystore or truststore, loaded once here so that a wrong path, type or password fails start-up. */
    private static LastseenConfig.KeyStoreFile keyStore(
            AbstractConfig c, String pathKey, String passwordKey, String typeKey, boolean withKey) {
        String path = c.getString(pathKey);
        Password password = c.getPassword(passwordKey);
        if (path == null || path.isBlank()) {
            if (password != null) {
                throw new ConfigException(passwordKey, "[hidden]", "is set but " + pathKey + " is not");
            }
            return null;
        }
        LastseenConfig.KeyStoreFile file = new LastseenConfig.KeyStoreFile(
                path.trim(),
                password == null ? "" : password.value(),
                c.getString(typeKey).trim());
        try {
            java.security.KeyStore store = file.load();
            if (withKey && !hasPrivateKey(store)) {
                throw new ConfigException(
                        pathKey, path, "holds no private key (a TLS server needs its key and certificate)");
            }
            if (!withKey && store.size() == 0) {
                throw new ConfigException(pathKey, path, "holds no certificate to trust");
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new ConfigException(
                    pathKey,
                    path,
                    "cannot be read as a " + file.type() + " store with " + passwordKey + ": " + e.getMessage());
        }
        return file;
    }

    private static boolean hasPrivateKey(java.security.KeyStore store) throws java.security.KeyStoreException {
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Static membership: Kafka Streams gives each stream thread's consumer {@code group.instance.id} +
     * "-" + its thread index. It is set only through {@value #INSTANCE_ID}, so there is one name to get
     * right; a {@code group.instance.id} set directly (plain or with a consumer prefix) is refused.
     */
    private static void instanceIdAsGroupInstanceId(Map<String, Object> p, String instanceId) {
        for (String key : List.of(
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))) {
            if (p.containsKey(key)) {
                throw new ConfigException(key, p.get(key), "must not be set directly: set " + INSTANCE_ID);
            }
        }
        if (instanceId != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
    }

    /** Kafka's rule for group.instance.id (characters from [a-zA-Z0-9._-]), with room for the thread suffix. */
    static final class InstanceIdValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String id = value.toString();
            if (id.isEmpty() || id.length() > MAX_INSTANCE_ID_LENGTH || !id.matches("[a-zA-Z0-9._-]+")) {
                throw new ConfigException(
                        name,
                        value,
                        "must be 1.." + MAX_INSTANCE_ID_LENGTH
                                + " characters from a-z, A-Z, 0-9, '.', '_' and '-' (Kafka's rule for group.instance.id,"
                                + " which is this name plus '-' and the stream thread's index),"
                                + " e.g. the pod name");
            }
        }

        @Override
        public String toString() {
            return "1.." + MAX_INSTANCE_ID_LENGTH + " characters of [a-zA-Z0-9._-]";
        }
    }

    // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG is deprecated because Kafka 5.0 makes it the default;
    // setting it now keeps the behaviour the same across that change.
    @SuppressWarnings("deprecation")
    private static Map<String, Object> streamsProperties(
            Map<String, Object> given, AbstractConfig own, TopicNames topics) {
        Map<String, Object> p = new HashMap<>();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "lastseen");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDBConfig.class.getName());
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetter());
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        // lastseen has no global stores; opting in now is what Kafka 5.0 will default to (and silences its warning).
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Throughput defaults measured by bench/run.sh (see BENCHMARKS.md). No lastseen result depends on the
        // timestamp order across a task's input partitions (usage and registry are separate field groups, and
        // last-seen is a max register), so tasks need not idle for empty partitions; with idling on, Kafka
        // Streams formats log strings per record for the always-empty rekey partition (~30% of throughput).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // One transaction a second instead of ten: fewer commits and cache flushes, more dedup of hot tokens
        // in the record cache. Freshness (event time to queryable) is unaffected: queries read the cache.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        p.putAll(given);
        // RocksDB bounds travel in the streams config: RocksDBConfigSetter receives the streams configs.
        p.put(ROCKSDB_MEMORY_BYTES, own.getLong(ROCKSDB_MEMORY_BYTES));
        p.put(ROCKSDB_WRITE_BUFFER_RATIO, own.getDouble(ROCKSDB_WRITE_BUFFER_RATIO));
        instanceIdAsGroupInstanceId(p, own.getString(INSTANCE_ID));
        if (p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) == null) {
            throw new ConfigException(
                    StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                    null,
                    "is required: the Kafka bootstrap servers (env " + envName(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)
                            + ")");
        }
        if (!topics.deadLetter().equals(p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))) {
            throw new ConfigException(
                    StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                    p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG),
                    "must not be set directly: set " + TOPIC_DLQ);
        }
        new StreamsConfig(p); // validates every Kafka Streams key; its errors name the key
        return p;
    }
}
