package dev.lastseen.config;

import dev.lastseen.registry.RegistrySettings;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** How both commands reach the schema registry: the same keys, checked the same way. */
public final class RegistryConfig {
    public static final String URL = "lastseen.schema.registry.url";
    public static final String BASIC_USER = "lastseen.schema.registry.basic.user";
    public static final String BASIC_PASSWORD = "lastseen.schema.registry.basic.password";
    public static final String BEARER_TOKEN = "lastseen.schema.registry.bearer.token";
    public static final String TRUSTSTORE_PATH = "lastseen.schema.registry.truststore.path";
    public static final String TRUSTSTORE_PASSWORD = "lastseen.schema.registry.truststore.password";
    public static final String TRUSTSTORE_TYPE = "lastseen.schema.registry.truststore.type";
    public static final String AUTO_REGISTER = "lastseen.schema.registry.auto.register";
    public static final String CONNECT_TIMEOUT_MS = "lastseen.schema.registry.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "lastseen.schema.registry.read.timeout.ms";

    /** The in-process registry of the demo and tests: the caller supplies the client. */
    public static final String IN_MEMORY = "mem:";

    private RegistryConfig() {}

    /** The connection keys, used by both commands. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        URL,
                        ConfigDef.Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Base URL of a Confluent-compatible schema registry REST API, e.g. http://host:8081 or http://host:8080/apis/ccompat/v7.")
                .define(BASIC_USER, ConfigDef.Type.STRING, null, Importance.LOW, "Basic-auth user for the registry.")
                .define(
                        BASIC_PASSWORD,
                        ConfigDef.Type.PASSWORD,
                        null,
                        Importance.LOW,
                        "Basic-auth password for the registry.")
                .define(BEARER_TOKEN, ConfigDef.Type.PASSWORD, null, Importance.LOW, "Bearer token for the registry.")
                .define(
                        TRUSTSTORE_PATH,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.LOW,
                        "Truststore for an https registry's certificate (default: the JDK's trusted CAs).")
                .define(
                        TRUSTSTORE_PASSWORD,
                        ConfigDef.Type.PASSWORD,
                        null,
                        Importance.LOW,
                        "Password of the registry's truststore.")
                .define(
                        TRUSTSTORE_TYPE,
                        ConfigDef.Type.STRING,
                        "PKCS12",
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        "Type of the registry's truststore.")
                .define(
                        CONNECT_TIMEOUT_MS,
                        ConfigDef.Type.LONG,
                        5_000L,
                        Range.between(100, 120_000),
                        Importance.LOW,
                        "Registry connect timeout.")
                .define(
                        READ_TIMEOUT_MS,
                        ConfigDef.Type.LONG,
                        10_000L,
                        Range.between(100, 300_000),
                        Importance.LOW,
                        "Registry read timeout.");
    }

    /** Whether a command that writes records registers their schemas: {@code run} only. */
    public static ConfigDef defineAutoRegister(ConfigDef def) {
        return def.define(
                AUTO_REGISTER,
                ConfigDef.Type.BOOLEAN,
                true,
                Importance.MEDIUM,
                "Register lastseen's schemas when their subjects lack them (after a compatibility check).");
    }

    /** The registry client's settings, or null for {@value #IN_MEMORY} (the caller supplies the client). */
    public static RegistrySettings from(AbstractConfig c) {
        String url = c.getString(URL);
        Password basicPassword = c.getPassword(BASIC_PASSWORD);
        Password bearer = c.getPassword(BEARER_TOKEN);
        String basicUser = c.getString(BASIC_USER);
        if ((basicUser == null) != (basicPassword == null)) {
            throw new ConfigException(BASIC_USER + " and " + BASIC_PASSWORD + " must be set together");
        }
        if (basicUser != null && bearer != null) {
            throw new ConfigException(
                    BEARER_TOKEN + " cannot be combined with " + BASIC_USER + ": choose one registry authentication");
        }
        if (url.equals(IN_MEMORY)) {
            return null;
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException(
                    URL, url, "must be an http:// or https:// URL (or mem: for the in-memory demo registry)");
        }
        try {
            RegistrySettings.Builder b = RegistrySettings.builder(url)
                    .connectTimeout(Duration.ofMillis(c.getLong(CONNECT_TIMEOUT_MS)))
                    .readTimeout(Duration.ofMillis(c.getLong(READ_TIMEOUT_MS)));
            if (bearer != null) {
                b.bearerToken(bearer.value());
            } else if (basicUser != null) {
                b.basicAuth(basicUser, basicPassword.value());
            }
            // Loaded here, so that a wrong path, type or password fails start-up naming the key.
            KeyStoreFile trustStore =
                    KeyStoreFile.from(c, TRUSTSTORE_PATH, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE, false);
            if (trustStore != null) {
                b.trustStore(Path.of(trustStore.path()), trustStore.password(), trustStore.type());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL + ": " + e.getMessage());
        }
    }
}
