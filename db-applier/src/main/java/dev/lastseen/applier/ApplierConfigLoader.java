package dev.lastseen.applier;

import dev.lastseen.common.BoundedFile;
import dev.lastseen.common.LogSafe;
import dev.lastseen.config.ConfigSources;
import dev.lastseen.config.SecretDefaults;
import dev.lastseen.registry.RegistrySettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
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

    public static final String JDBC_URL = "lastseen.apply.jdbc.url";
    public static final String JDBC_USER = "lastseen.apply.jdbc.user";
    public static final String JDBC_PASSWORD = "lastseen.apply.jdbc.password";
    public static final String JDBC_PASSWORD_FILE = "lastseen.apply.jdbc.password.file";
    /** Prefix of PgJDBC connection properties passed through, e.g. {@code lastseen.apply.jdbc.property.sslmode}. */
    public static final String JDBC_PROPERTY_PREFIX = "lastseen.apply.jdbc.property.";

    public static final String MIGRATE_USER = "lastseen.apply.migrate.jdbc.user";
    public static final String MIGRATE_PASSWORD = "lastseen.apply.migrate.jdbc.password";
    public static final String MIGRATE_PASSWORD_FILE = "lastseen.apply.migrate.jdbc.password.file";
    public static final String POOL_MAX_SIZE = "lastseen.apply.pool.max.size";
    public static final String POOL_CONNECTION_TIMEOUT_MS = "lastseen.apply.pool.connection.timeout.ms";
    public static final String STATEMENT_TIMEOUT_MS = "lastseen.apply.statement.timeout.ms";
    public static final String LAYOUT = "lastseen.apply.layout";
    public static final String SCHEMA = "lastseen.apply.schema";
    public static final String USAGE_TABLE = "lastseen.apply.usage.table";
    public static final String TOKENS_TABLE = "lastseen.apply.tokens.table";
    public static final String TOKEN_ID_COLUMN = "lastseen.apply.tokens.column.token-id";
    public static final String SECRET_COLUMN = "lastseen.apply.tokens.column.secret";
    public static final String ROLE = "lastseen.apply.role";
    public static final String UNKNOWN_TOKENS = "lastseen.apply.unknown-tokens";
    public static final String BATCH_MAX_RECORDS = "lastseen.apply.batch.max.records";
    public static final String BATCH_LINGER_MS = "lastseen.apply.batch.linger.ms";
    public static final String RETRY_BACKOFF_MS = "lastseen.apply.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "lastseen.apply.retry.backoff.max.ms";
    public static final String TOPIC = "lastseen.apply.topic";
    public static final String DLQ_TOPIC = "lastseen.apply.dlq.topic";
    public static final String CLOCK_SKEW_ALLOWANCE_MS = "lastseen.apply.clock-skew.allowance.ms";
    public static final String MAX_RECORD_BYTES = "lastseen.apply.max.record.bytes";
    public static final String SECRET_MIN_LENGTH = "lastseen.apply.secret.min.length";
    public static final String SECRET_PLACEHOLDERS = "lastseen.apply.secret.placeholders";
    public static final String PRIVILEGE_CHECK_INTERVAL_MS = "lastseen.apply.privilege.check.interval.ms";
    public static final String HTTP_HOST = "lastseen.apply.http.host";
    public static final String HTTP_PORT = "lastseen.apply.http.port";
    public static final String REGISTRY_URL = "lastseen.schema.registry.url";
    public static final String REGISTRY_BASIC_USER = "lastseen.schema.registry.basic.user";
    public static final String REGISTRY_BASIC_PASSWORD = "lastseen.schema.registry.basic.password";
    public static final String REGISTRY_BEARER_TOKEN = "lastseen.schema.registry.bearer.token";
    public static final String REGISTRY_CONNECT_TIMEOUT_MS = "lastseen.schema.registry.connect.timeout.ms";
    public static final String REGISTRY_READ_TIMEOUT_MS = "lastseen.schema.registry.read.timeout.ms";

    /** The in-process registry of the demo and tests: the caller passes the client. */
    public static final String IN_MEMORY_REGISTRY = "mem:";

    public static final String DEFAULT_GROUP_ID = "lastseen-apply";
    /** Bound on the size of the configuration and password files: they are inputs too. */
    static final long MAX_FILE_BYTES = ConfigSources.MAX_FILE_BYTES;

    private static final String IDENTIFIER_RULE =
            "a lower-case SQL identifier: letters a-z, digits and _, not starting with a digit, at most 63 characters";
    private static final ConfigDef.Validator IDENTIFIER = ConfigDef.LambdaValidator.with(
            (name, value) -> {
                if (value == null
                        || !Target.IDENTIFIER.matcher(value.toString()).matches()) {
                    throw new ConfigException(name, value, "must be " + IDENTIFIER_RULE);
                }
            },
            () -> IDENTIFIER_RULE);

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    JDBC_URL,
                    ConfigDef.Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "PostgreSQL JDBC URL, e.g. jdbc:postgresql://db:5432/tokens (no credentials in it).")
            .define(
                    JDBC_USER,
                    ConfigDef.Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "The applier's database role (see lastseen.apply.role); it must have exactly the privileges the migrations grant.")
            .define(
                    JDBC_PASSWORD,
                    ConfigDef.Type.PASSWORD,
                    null,
                    Importance.HIGH,
                    "Password of the applier's role (or use .password.file).")
            .define(
                    JDBC_PASSWORD_FILE,
                    ConfigDef.Type.STRING,
                    null,
                    Importance.HIGH,
                    "File holding the applier's password (e.g. a mounted Kubernetes Secret).")
            .define(
                    MIGRATE_USER,
                    ConfigDef.Type.STRING,
                    null,
                    Importance.MEDIUM,
                    "Owner/admin role that `lastseen apply migrate` runs the migrations as.")
            .define(
                    MIGRATE_PASSWORD,
                    ConfigDef.Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "Password of the migrations' role.")
            .define(
                    MIGRATE_PASSWORD_FILE,
                    ConfigDef.Type.STRING,
                    null,
                    Importance.MEDIUM,
                    "File holding the migrations' role password.")
            .define(
                    POOL_MAX_SIZE,
                    ConfigDef.Type.INT,
                    2,
                    Range.between(1, 50),
                    Importance.LOW,
                    "Most database connections (HikariCP pool).")
            .define(
                    POOL_CONNECTION_TIMEOUT_MS,
                    ConfigDef.Type.LONG,
                    5_000L,
                    Range.between(250, 300_000),
                    Importance.LOW,
                    "How long to wait for a database connection before the attempt counts as failed.")
            .define(
                    STATEMENT_TIMEOUT_MS,
                    ConfigDef.Type.LONG,
                    30_000L,
                    Range.between(100, 3_600_000),
                    Importance.LOW,
                    "statement_timeout and lock_timeout of the applier's sessions.")
            .define(
                    LAYOUT,
                    ConfigDef.Type.STRING,
                    Target.Layout.USAGE_TABLE.configValue(),
                    ValidString.in(Target.Layout.USAGE_TABLE.configValue(), Target.Layout.TOKENS_TABLE.configValue()),
                    Importance.HIGH,
                    "usage-table (recommended: a table of its own keyed by token id) or tokens-table (last-seen columns on the tokens table).")
            .define(SCHEMA, ConfigDef.Type.STRING, "public", IDENTIFIER, Importance.MEDIUM, "Schema of the tables.")
            .define(
                    USAGE_TABLE,
                    ConfigDef.Type.STRING,
                    "token_last_seen",
                    IDENTIFIER,
                    Importance.MEDIUM,
                    "The usage table (usage-table layout).")
            .define(
                    TOKENS_TABLE,
                    ConfigDef.Type.STRING,
                    "tokens",
                    IDENTIFIER,
                    Importance.MEDIUM,
                    "The token service's table.")
            .define(
                    TOKEN_ID_COLUMN,
                    ConfigDef.Type.STRING,
                    "token_id",
                    IDENTIFIER,
                    Importance.MEDIUM,
                    "Key column of the tokens table.")
            .define(
                    SECRET_COLUMN,
                    ConfigDef.Type.STRING,
                    "client_secret_hash",
                    IDENTIFIER,
                    Importance.MEDIUM,
                    "Secret column of the tokens table: the migrations add its CHECK constraints; the applier must have no privilege on it.")
            .define(
                    ROLE,
                    ConfigDef.Type.STRING,
                    "lastseen_applier",
                    IDENTIFIER,
                    Importance.MEDIUM,
                    "The role the migrations create and grant the applier's privileges to.")
            .define(
                    UNKNOWN_TOKENS,
                    ConfigDef.Type.STRING,
                    "skip",
                    ValidString.in("skip", "insert"),
                    Importance.MEDIUM,
                    "Patches for token ids the tokens table does not have: skip (counted as unknown_token) or, usage-table layout "
                            + "without a tokens table in the database only, insert.")
            .define(
                    BATCH_MAX_RECORDS,
                    ConfigDef.Type.INT,
                    2_000,
                    Range.between(1, 100_000),
                    Importance.MEDIUM,
                    "Most records per database transaction.")
            .define(
                    BATCH_LINGER_MS,
                    ConfigDef.Type.LONG,
                    200L,
                    Range.between(0, 60_000),
                    Importance.MEDIUM,
                    "A batch is applied at the latest this long after its first record arrived.")
            .define(
                    RETRY_BACKOFF_MS,
                    ConfigDef.Type.LONG,
                    500L,
                    Range.between(10, 60_000),
                    Importance.LOW,
                    "First wait before retrying a batch the database (or registry, or DLQ) failed; doubles with jitter.")
            .define(
                    RETRY_BACKOFF_MAX_MS,
                    ConfigDef.Type.LONG,
                    30_000L,
                    Range.between(10, 600_000),
                    Importance.LOW,
                    "Longest wait between retries.")
            .define(
                    TOPIC,
                    ConfigDef.Type.STRING,
                    "token-last-seen",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Input topic of TokenLastSeen patches.")
            .define(
                    DLQ_TOPIC,
                    ConfigDef.Type.STRING,
                    "lastseen-apply-dlq",
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
                    SECRET_MIN_LENGTH,
                    ConfigDef.Type.INT,
                    SecretDefaults.MIN_LENGTH,
                    Range.between(1, SecretDefaults.MAX_LENGTH),
                    Importance.MEDIUM,
                    "Shortest secret hash the tokens table's CHECK constraint accepts (`lastseen apply migrate` writes it):"
                            + " set it to lastseen.secret.min.length of `lastseen run`.")
            .define(
                    SECRET_PLACEHOLDERS,
                    ConfigDef.Type.LIST,
                    SecretDefaults.PLACEHOLDERS,
                    Importance.LOW,
                    "Secret hash values the tokens table's CHECK constraint refuses as placeholders (case-insensitively;"
                            + " `lastseen apply migrate` writes them): set it to lastseen.secret.placeholders of `lastseen run`.")
            .define(
                    PRIVILEGE_CHECK_INTERVAL_MS,
                    ConfigDef.Type.LONG,
                    300_000L,
                    Range.between(1_000, 86_400_000),
                    Importance.MEDIUM,
                    "How often the running applier checks its database role's privileges again (the start-up check's"
                            + " routes): if they grew, it stops applying, turns unready and logs the REVOKE to run.")
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
                    "Port of /healthz, /readyz and /metrics (0 picks a free port).")
            .define(
                    REGISTRY_URL,
                    ConfigDef.Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Confluent-compatible schema registry REST API the patches' schemas are read from.")
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
                    "Registry read timeout.");

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
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(ProducerConfig.configNames());
        for (PGProperty p : PGProperty.values()) {
            keys.add(JDBC_PROPERTY_PREFIX + p.getName());
        }
        ConfigSources.applyEnvironment(values, keys, env);
    }

    /** Validates a complete key → value map (values as strings or typed). */
    public static ApplierConfig fromMap(Map<String, ?> values) {
        Map<String, Object> own = new HashMap<>();
        Properties driver = new Properties();
        Map<String, Object> clients = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(JDBC_PROPERTY_PREFIX)) {
                driver.setProperty(driverProperty(k), String.valueOf(v));
            } else if (k.startsWith(PREFIX)) {
                if (!DEFINITION.names().contains(k)) {
                    throw new ConfigException(
                            k,
                            NOT_SHOWN,
                            "unknown lastseen apply configuration key (known keys: "
                                    + String.join(
                                            ", ",
                                            DEFINITION.names().stream().sorted().toList()) + ", and "
                                    + JDBC_PROPERTY_PREFIX + "<PgJDBC property>)");
                }
                own.put(k, v);
            } else {
                clients.put(k, v);
            }
        });
        AbstractConfig c = new AbstractConfig(DEFINITION, own, false);

        String url = c.getString(JDBC_URL);
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(
                    JDBC_URL,
                    LogSafe.withoutCredentials(url),
                    "must be a PostgreSQL JDBC URL starting with jdbc:postgresql:");
        }
        if (url.contains("password=") || url.contains("@")) {
            throw new ConfigException(
                    JDBC_URL,
                    "[hidden]",
                    "must not contain credentials: set " + JDBC_USER + " and " + JDBC_PASSWORD + " (or "
                            + JDBC_PASSWORD_FILE + ")");
        }
        String user = c.getString(JDBC_USER);
        String password = secret(c, JDBC_PASSWORD, JDBC_PASSWORD_FILE);
        String adminUser = c.getString(MIGRATE_USER);
        String adminPassword = secret(c, MIGRATE_PASSWORD, MIGRATE_PASSWORD_FILE);
        if (adminUser != null && adminUser.equals(user)) {
            throw new ConfigException(
                    MIGRATE_USER,
                    adminUser,
                    "must not be the applier's own role (" + JDBC_USER
                            + "): migrations need an owner, the applier must not be one");
        }
        ApplierConfig.Database database = new ApplierConfig.Database(
                url,
                user,
                password,
                driver,
                c.getInt(POOL_MAX_SIZE),
                Duration.ofMillis(c.getLong(POOL_CONNECTION_TIMEOUT_MS)),
                Duration.ofMillis(c.getLong(STATEMENT_TIMEOUT_MS)),
                new ApplierConfig.Credentials(adminUser, adminPassword));

        Target.Layout layout = c.getString(LAYOUT).equals(Target.Layout.TOKENS_TABLE.configValue())
                ? Target.Layout.TOKENS_TABLE
                : Target.Layout.USAGE_TABLE;
        boolean insertUnknown = c.getString(UNKNOWN_TOKENS).equals("insert");
        if (insertUnknown && layout == Target.Layout.TOKENS_TABLE) {
            throw new ConfigException(
                    UNKNOWN_TOKENS,
                    "insert",
                    "applies to the usage-table layout only: the tokens-table layout can only update existing rows");
        }
        if (layout == Target.Layout.USAGE_TABLE && c.getString(USAGE_TABLE).equals(c.getString(TOKENS_TABLE))) {
            throw new ConfigException(USAGE_TABLE, c.getString(USAGE_TABLE), "must differ from " + TOKENS_TABLE);
        }
        if (c.getString(TOKEN_ID_COLUMN).equals(c.getString(SECRET_COLUMN))) {
            throw new ConfigException(SECRET_COLUMN, c.getString(SECRET_COLUMN), "must differ from " + TOKEN_ID_COLUMN);
        }
        if (Target.LAST_SEEN_COLUMNS.contains(c.getString(SECRET_COLUMN))) {
            throw new ConfigException(
                    SECRET_COLUMN,
                    c.getString(SECRET_COLUMN),
                    "must not be one of the last-seen columns " + Target.LAST_SEEN_COLUMNS);
        }
        Target target = new Target(
                layout,
                c.getString(SCHEMA),
                c.getString(USAGE_TABLE),
                c.getString(TOKENS_TABLE),
                c.getString(TOKEN_ID_COLUMN),
                c.getString(SECRET_COLUMN),
                c.getString(ROLE),
                insertUnknown,
                new SecretHashRule(c.getInt(SECRET_MIN_LENGTH), c.getList(SECRET_PLACEHOLDERS)));

        long backoff = c.getLong(RETRY_BACKOFF_MS);
        long backoffMax = c.getLong(RETRY_BACKOFF_MAX_MS);
        if (backoffMax < backoff) {
            throw new ConfigException(
                    RETRY_BACKOFF_MAX_MS,
                    backoffMax,
                    "must not be less than " + RETRY_BACKOFF_MS + " (" + backoff + ")");
        }
        ApplierConfig.Batching batching = new ApplierConfig.Batching(
                c.getInt(BATCH_MAX_RECORDS),
                Duration.ofMillis(c.getLong(BATCH_LINGER_MS)),
                Duration.ofMillis(backoff),
                Duration.ofMillis(backoffMax));
        ApplierConfig.Topics topics = new ApplierConfig.Topics(c.getString(TOPIC), c.getString(DLQ_TOPIC));
        if (topics.tokenLastSeen().equals(topics.deadLetter())) {
            throw new ConfigException(DLQ_TOPIC, topics.deadLetter(), "must differ from " + TOPIC);
        }
        return new ApplierConfig(
                database,
                target,
                batching,
                topics,
                registry(c),
                new ApplierConfig.Http(c.getString(HTTP_HOST), c.getInt(HTTP_PORT)),
                Duration.ofMillis(c.getLong(CLOCK_SKEW_ALLOWANCE_MS)),
                c.getInt(MAX_RECORD_BYTES),
                Duration.ofMillis(c.getLong(PRIVILEGE_CHECK_INTERVAL_MS)),
                consumer(clients),
                producer(clients));
    }

    private static String driverProperty(String key) {
        String name = key.substring(JDBC_PROPERTY_PREFIX.length());
        if (PGProperty.forName(name) == null) {
            throw new ConfigException(key, NOT_SHOWN, "'" + name + "' is not a PgJDBC connection property");
        }
        if (name.equals(PGProperty.USER.getName()) || name.equals(PGProperty.PASSWORD.getName())) {
            throw new ConfigException(key, "[hidden]", "set " + JDBC_USER + " / " + JDBC_PASSWORD + " instead");
        }
        return name;
    }

    private static String secret(AbstractConfig c, String inlineKey, String fileKey) {
        Password inline = c.getPassword(inlineKey);
        String file = c.getString(fileKey);
        if (inline != null && file != null) {
            throw new ConfigException(fileKey, file, "cannot be combined with " + inlineKey + ": choose one");
        }
        if (file == null) {
            return inline == null ? null : inline.value();
        }
        Path path = Path.of(file);
        try {
            long size = fileSize(path, fileKey);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(
                        fileKey, file, "file is " + size + " bytes, over the bound of " + MAX_FILE_BYTES);
            }
            String content = new String(BoundedFile.read(path, (int) MAX_FILE_BYTES), StandardCharsets.UTF_8).strip();
            if (content.isEmpty()) {
                throw new ConfigException(fileKey, file, "file is empty");
            }
            return content;
        } catch (BoundedFile.TooLargeException e) {
            throw new ConfigException(fileKey, file, "file is over the bound of " + MAX_FILE_BYTES + " bytes");
        } catch (IOException e) {
            throw new ConfigException(fileKey, file, "cannot be read: " + e.getMessage());
        }
    }

    private static long fileSize(Path file, String what) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ConfigException(what + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static RegistrySettings registry(AbstractConfig c) {
        String url = c.getString(REGISTRY_URL);
        if (url.equals(IN_MEMORY_REGISTRY)) {
            return null;
        }
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
        try {
            RegistrySettings.Builder b = RegistrySettings.builder(url)
                    .connectTimeout(Duration.ofMillis(c.getLong(REGISTRY_CONNECT_TIMEOUT_MS)))
                    .readTimeout(Duration.ofMillis(c.getLong(REGISTRY_READ_TIMEOUT_MS)));
            if (bearer != null) {
                b.bearerToken(bearer.value());
            } else if (basicUser != null) {
                b.basicAuth(basicUser, basicPassword.value());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(REGISTRY_URL + ": " + e.getMessage());
        }
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
        if (p.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) == null) {
            throw new ConfigException(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    null,
                    "is required: the Kafka bootstrap servers (env "
                            + envName(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + ")");
        }
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
