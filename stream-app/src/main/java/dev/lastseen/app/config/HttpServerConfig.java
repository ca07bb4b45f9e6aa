package dev.lastseen.app.config;

import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.config.KeyStoreFile;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;

/** The REST server of {@code lastseen run}: address, management port, limits, TLS, and what the API port exposes. */
public final class HttpServerConfig {
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
    public static final String API_SERVES_MANAGEMENT = "lastseen.http.api.serves.management";
    public static final String SERVED_BY_ENABLED = "lastseen.http.served-by.enabled";

    /** Threads the API server needs besides its query handlers (acceptors, selectors, quick answers). */
    static final int HTTP_THREAD_HEADROOM = 16;

    private HttpServerConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
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
                        API_SERVES_MANAGEMENT,
                        ConfigDef.Type.BOOLEAN,
                        false,
                        Importance.LOW,
                        "Also serve /healthz, /readyz and /metrics (unauthenticated) on the API port, for clients not yet"
                                + " moved to the management port. Off: the API port serves /v1 and /openapi.yaml only.")
                .define(
                        SERVED_BY_ENABLED,
                        ConfigDef.Type.BOOLEAN,
                        false,
                        Importance.LOW,
                        "Name the serving instance (application.server, e.g. a pod name) on every response:"
                                + " X-Lastseen-Served-By, X-Lastseen-Routed-Via and served_by. Off by default: instance"
                                + " names map the deployment for any client.");
    }

    /** What the API port serves besides the API, and whether it names the instance. */
    public static HttpExposure exposure(AbstractConfig c) {
        HttpExposure exposure = new HttpExposure(c.getBoolean(API_SERVES_MANAGEMENT), c.getBoolean(SERVED_BY_ENABLED));
        int managementPort = c.getInt(HTTP_MANAGEMENT_PORT);
        if (managementPort == HttpServerSettings.NO_MANAGEMENT_PORT && !exposure.managementOnApiPort()) {
            throw new ConfigException(
                    HTTP_MANAGEMENT_PORT,
                    managementPort,
                    "is -1 (no management port) but " + API_SERVES_MANAGEMENT
                            + " is false: health, readiness and metrics would be served nowhere; give a management"
                            + " port or set " + API_SERVES_MANAGEMENT + "=true");
        }
        return exposure;
    }

    public static HttpServerSettings from(AbstractConfig c) {
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
        HttpServerSettings.Limits limits = new HttpServerSettings.Limits(
                queries,
                c.getInt(HTTP_MAX_CONNECTIONS),
                c.getInt(HTTP_MAX_HEADER_BYTES),
                Duration.ofMillis(c.getLong(HTTP_IDLE_TIMEOUT_MS)),
                threads);
        KeyStoreFile keystore =
                KeyStoreFile.from(c, HTTP_TLS_KEYSTORE_PATH, HTTP_TLS_KEYSTORE_PASSWORD, HTTP_TLS_KEYSTORE_TYPE, true);
        return new HttpServerSettings(c.getString(HTTP_HOST), port, management, limits, keystore);
    }
}
