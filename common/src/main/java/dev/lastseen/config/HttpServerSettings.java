package dev.lastseen.config;

import java.time.Duration;

/**
 * An HTTP server of either command: the address, the management port (health, readiness, metrics on
 * their own connector and threads; {@link #NO_MANAGEMENT_PORT} for none), limits, and TLS.
 *
 * @param tls the server's keystore, or null for plain HTTP
 */
public record HttpServerSettings(String host, int port, int managementPort, Limits limits, KeyStoreFile tls) {
    public static final int NO_MANAGEMENT_PORT = -1;

    /** Plain HTTP on one port with the default limits (health, readiness and metrics served there too). */
    public HttpServerSettings(String host, int port) {
        this(host, port, NO_MANAGEMENT_PORT, Limits.DEFAULTS, null);
    }

    public HttpServerSettings withPorts(int apiPort, int management) {
        return new HttpServerSettings(host, apiPort, management, limits, tls);
    }

    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /**
     * Bounds of the server: concurrent queries (each of clients and of other instances), open
     * connections, request line plus headers, idle connections, threads.
     */
    public record Limits(
            int maxConcurrentQueries, int maxConnections, int maxHeaderBytes, Duration idleTimeout, int threads) {
        public static final Limits DEFAULTS = new Limits(32, 512, 8_192, Duration.ofSeconds(30), 96);
    }
}
