package dev.lastseen.app.config;

/**
 * What the API port shows besides the API: health, readiness and metrics (normally only on the
 * management port), and the serving instance's name ({@code X-Lastseen-Served-By}, {@code served_by};
 * a pod name maps the deployment for whoever reads it). Read by {@link HttpServerConfig}.
 *
 * @param managementOnApiPort also serve /healthz, /readyz and /metrics on the API port
 * @param servedBy            name the serving instance on every response
 */
public record HttpExposure(boolean managementOnApiPort, boolean servedBy) {
    /** The API port serves the API and its OpenAPI document only, and names no instance. */
    public static final HttpExposure API_ONLY = new HttpExposure(false, false);
    /** One port for everything, instance named: a single-port server (the applier's) and tests. */
    public static final HttpExposure SINGLE_PORT = new HttpExposure(true, true);
}
