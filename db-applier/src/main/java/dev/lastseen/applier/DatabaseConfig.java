package dev.lastseen.applier;

import dev.lastseen.config.ConfigFiles;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.postgresql.PGProperty;

/** The database {@code lastseen apply} writes to: connection, credentials (inline or from files), pool, timeouts. */
public final class DatabaseConfig {
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

    private DatabaseConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
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
                        "statement_timeout and lock_timeout of the applier's sessions.");
    }

    /** @param driver the PgJDBC connection properties given under {@value #JDBC_PROPERTY_PREFIX} */
    public static ApplierConfig.Database from(AbstractConfig c, Properties driver) {
        String url = c.getString(JDBC_URL);
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(JDBC_URL, url, "must be a PostgreSQL JDBC URL starting with jdbc:postgresql:");
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
        return database;
    }

    static String driverProperty(String key, Object value) {
        String name = key.substring(JDBC_PROPERTY_PREFIX.length());
        if (PGProperty.forName(name) == null) {
            throw new ConfigException(key, value, "'" + name + "' is not a PgJDBC connection property");
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
        return ConfigFiles.secret(fileKey, file);
    }
}
