package dev.lastseen.app.config;

import dev.lastseen.config.KeyStoreFile;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Interactive queries: deadlines, page bounds, stale reads, and forwarding between instances. */
public final class QueryConfig {
    public static final String QUERY_DEADLINE_MS = "lastseen.query.deadline.ms";
    public static final String QUERY_FORWARD_CONNECT_TIMEOUT_MS = "lastseen.query.forward.connect.timeout.ms";
    public static final String QUERY_FORWARD_READ_TIMEOUT_MS = "lastseen.query.forward.read.timeout.ms";
    public static final String QUERY_MAX_PAGE_SCAN = "lastseen.query.max.page.scan";
    public static final String QUERY_MAX_STALE_LAG = "lastseen.query.max.stale.lag";
    public static final String QUERY_FORWARD_CREDENTIAL = "lastseen.query.forward.credential";
    public static final String QUERY_FORWARD_TRUSTSTORE_PATH = "lastseen.query.forward.truststore.path";
    public static final String QUERY_FORWARD_TRUSTSTORE_PASSWORD = "lastseen.query.forward.truststore.password";
    public static final String QUERY_FORWARD_TRUSTSTORE_TYPE = "lastseen.query.forward.truststore.type";

    static final int MIN_FORWARD_CREDENTIAL_LENGTH = 32;
    static final int MAX_FORWARD_CREDENTIALS = 2;

    private QueryConfig() {}

    /** The query keys; the forwarding keys come separately ({@link #defineForwarding}), after the restart keys. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(
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
                        "A standby (or restoring) copy answers for an unavailable owner only while it is at most this many changelog records behind; a copy still restoring from scratch must not answer.");
    }

    public static ConfigDef defineForwarding(ConfigDef def) {
        return def.define(
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
                        "Truststore type.");
    }

    /**
     * @param tls whether the API (and so forwarding) uses TLS: forwarding then needs a truststore and
     *     the allowed hosts ({@link PeerAuthConfig})
     */
    public static LastseenConfig.QuerySettings from(AbstractConfig c, boolean tls) {
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
        KeyStoreFile trust = KeyStoreFile.from(
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
}
