package dev.lastseen.app.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;

/**
 * What the API port shows besides the API: health, readiness and metrics (normally only on the
 * management port), and the serving instance's name ({@code X-Lastseen-Served-By}, {@code served_by};
 * a pod name maps the deployment for whoever reads it).
 *
 * @param managementOnApiPort also serve /healthz, /readyz and /metrics on the API port
 * @param servedBy            name the serving instance on every response
 */
public record HttpExposure(boolean managementOnApiPort, boolean servedBy) {
    public static final String API_SERVES_MANAGEMENT = "lastseen.http.api.serves.management";
    public static final String SERVED_BY_ENABLED = "lastseen.http.served-by.enabled";

    /** The API port serves the API and its OpenAPI document only, and names no instance. */
    public static final HttpExposure API_ONLY = new HttpExposure(false, false);
    /** One port for everything, instance named: a single-port server (the applier's) and tests. */
    public static final HttpExposure SINGLE_PORT = new HttpExposure(true, true);

    static ConfigDef define(ConfigDef def) {
        return def.define(
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

    static HttpExposure of(AbstractConfig c, int managementPort) {
        HttpExposure exposure = new HttpExposure(c.getBoolean(API_SERVES_MANAGEMENT), c.getBoolean(SERVED_BY_ENABLED));
        if (managementPort == LastseenConfig.HttpSettings.NO_MANAGEMENT_PORT && !exposure.managementOnApiPort()) {
            throw new ConfigException(
                    ConfigLoader.HTTP_MANAGEMENT_PORT,
                    managementPort,
                    "is -1 (no management port) but " + API_SERVES_MANAGEMENT
                            + " is false: health, readiness and metrics would be served nowhere; give a management"
                            + " port or set " + API_SERVES_MANAGEMENT + "=true");
        }
        return exposure;
    }
}
