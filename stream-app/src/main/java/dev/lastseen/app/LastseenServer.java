package dev.lastseen.app;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.http.HttpServer;
import dev.lastseen.registry.SchemaRegistryClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A complete instance as {@code run} and {@code demo} start it: the streams application and
 * its HTTP surface (health, readiness, metrics, API), closed in reverse order.
 */
public final class LastseenServer implements AutoCloseable {
    private final PrometheusMeterRegistry meters;
    private final LastseenApp app;
    private final HttpServer http;

    private LastseenServer(PrometheusMeterRegistry meters, LastseenApp app, HttpServer http) {
        this.meters = meters;
        this.app = app;
        this.http = http;
    }

    public static LastseenServer start(LastseenConfig config, SchemaRegistryClient registry, int accountPartitions) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LastseenApp app = LastseenApp.start(config, registry, meters, accountPartitions);
        try {
            HttpServer http = HttpServer.start(config.http(), app.readiness(), meters, routes -> { });
            return new LastseenServer(meters, app, http);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    public LastseenApp app() {
        return app;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
        app.close();
    }
}
