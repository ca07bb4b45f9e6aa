package dev.lastseen.app;

import dev.lastseen.app.config.HttpExposure;
import dev.lastseen.app.http.Health;
import dev.lastseen.app.http.HttpServer;
import dev.lastseen.app.metrics.MetricsBinding;
import dev.lastseen.applier.Applier;
import dev.lastseen.applier.ApplierConfig;
import dev.lastseen.applier.ApplierHealth;
import dev.lastseen.registry.SchemaRegistryClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * A complete {@code lastseen apply} process as the command starts it: the applier (db-applier)
 * and its HTTP surface ({@code /healthz}, {@code /readyz}, {@code /metrics} on the same
 * {@link HttpServer} as {@code run}), with the JVM's meters; closed in reverse order.
 */
public final class ApplyServer implements AutoCloseable {
    private final MetricsBinding jvmMeters;
    private final Applier applier;
    private final HttpServer http;

    private ApplyServer(MetricsBinding jvmMeters, Applier applier, HttpServer http) {
        this.jvmMeters = jvmMeters;
        this.applier = applier;
        this.http = http;
    }

    /** Checks the database role (waiting up to {@code databaseWait} for the database), then applies and serves. */
    public static ApplyServer start(ApplierConfig config, SchemaRegistryClient registry, Duration databaseWait) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsBinding jvmMeters = MetricsBinding.bindJvm(meters);
        Applier applier = null;
        try {
            applier = Applier.start(config, registry, meters, databaseWait);
            HttpServer http = HttpServer.start(
                    config.http(),
                    HttpExposure.SINGLE_PORT,
                    "lastseen-apply",
                    health(applier.health()),
                    meters,
                    routes -> {});
            return new ApplyServer(jvmMeters, applier, http);
        } catch (RuntimeException e) {
            if (applier != null) {
                applier.close();
            }
            jvmMeters.close();
            throw e;
        }
    }

    /** The applier's health as the HTTP server reports it. */
    public static Health health(ApplierHealth health) {
        return Health.of(health::isLive, health::isReady, health::describe);
    }

    public ApplierHealth health() {
        return applier.health();
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
        applier.close();
        jvmMeters.close();
    }
}
