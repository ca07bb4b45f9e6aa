package dev.lastseen.app;

import dev.lastseen.app.access.ApiKeyStore;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.PeerAuthConfig;
import dev.lastseen.app.config.QueryConfig;
import dev.lastseen.app.http.ApiKeyAuthenticator;
import dev.lastseen.app.http.AuthFailures;
import dev.lastseen.app.http.HttpServer;
import dev.lastseen.app.http.QueryLimiter;
import dev.lastseen.app.http.TokenResource;
import dev.lastseen.app.query.Endpoints;
import dev.lastseen.app.query.KafkaStreamsLocalState;
import dev.lastseen.app.query.PeerSignature;
import dev.lastseen.app.query.TokenQueryService;
import dev.lastseen.app.thresholds.LastKnownGood;
import dev.lastseen.common.Sleeper;
import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete instance as {@code run} and {@code demo} start it: the streams application and
 * its HTTP surface (health, readiness, metrics, OpenAPI, the token API), closed in reverse order.
 *
 * <p>The instance's identity is its {@code application.server} ({@code host:port} of this HTTP
 * API, as other instances reach it): Kafka Streams publishes it in the assignment so any
 * instance can forward a query to the owner of an account. When it is not configured (one
 * instance), it defaults to {@code localhost:<http port>}; a port of 0 in either place is
 * replaced by the free port the server actually uses.
 */
public final class LastseenServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LastseenServer.class);

    private final PrometheusMeterRegistry meters;
    private final LastseenApp app;
    private final HttpServer http;
    private final ApiKeyStore keys;
    private final ShutdownDrain drain;

    private LastseenServer(
            PrometheusMeterRegistry meters, LastseenApp app, HttpServer http, ApiKeyStore keys, ShutdownDrain drain) {
        this.meters = meters;
        this.app = app;
        this.http = http;
        this.keys = keys;
        this.drain = drain;
    }

    public static LastseenServer start(LastseenConfig config, SchemaRegistryClient registry, int accountPartitions) {
        LastseenConfig effective = withEndpoint(InstanceIdentity.resolve(config));
        HostInfo self =
                HostInfo.buildFromEndpoint((String) effective.streams().get(StreamsConfig.APPLICATION_SERVER_CONFIG));
        String servedBy = Endpoints.authority(self);
        if (effective.apiAccess().keyFile() == null) {
            log.warn("No API key file configured (lastseen.api.key.file): every /v1 request will be refused with 403");
        }
        if (effective.http().tls() == null
                && (effective.apiAccess().keyFile() != null || effective.query().forwardCredential() != null)) {
            log.warn(
                    "DEVELOPMENT MODE ({}=true): API keys and forwarded queries cross the network over plain HTTP;"
                            + " anyone on the path can read them. Never run a deployment like this.",
                    PeerAuthConfig.DEV_PLAIN_HTTP);
        }
        if (effective.query().forwardCredential() == null
                && config.streams().get(StreamsConfig.APPLICATION_SERVER_CONFIG) != null) {
            log.warn(
                    "No instance credential configured ({}): this instance will not forward queries to the instance"
                            + " that owns an account, nor answer queries forwarded by others; set the same one on every instance"
                            + " of a multi-instance deployment",
                    QueryConfig.QUERY_FORWARD_CREDENTIAL);
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LastseenApp app = LastseenApp.start(effective, registry, meters, accountPartitions);
        ApiKeyStore keys = null;
        try {
            keys = apiKeys(effective, meters);
            TokenQueryService queries = new TokenQueryService(
                    new KafkaStreamsLocalState(app.streams()),
                    self,
                    effective.query(),
                    effective.http().tls() != null);
            TokenResource tokens = new TokenResource(
                    queries,
                    new ApiKeyAuthenticator(
                            keys,
                            effective.query().forwardCredential() == null
                                    ? null
                                    : new PeerSignature(effective.query().forwardCredentials(), Clock.systemUTC()),
                            servedBy,
                            new AuthFailures(meters)),
                    effective.query().maxPageScan(),
                    effective.exposure().servedBy() ? servedBy : null,
                    new QueryLimiter(effective.http().limits().maxConcurrentQueries(), meters));
            ShutdownDrain drain =
                    new ShutdownDrain(app.readiness(), effective.resilience().shutdownDrain(), Sleeper.REAL);
            HttpServer http =
                    HttpServer.start(effective.http(), effective.exposure(), servedBy, drain, meters, tokens::routes);
            return new LastseenServer(meters, app, http, keys, drain);
        } catch (RuntimeException e) {
            if (keys != null) {
                keys.close();
            }
            app.close();
            throw e;
        }
    }

    /**
     * The key file, reloaded live; its last known good copy sits beside the instance's state, next
     * to the thresholds' one. Rejections count in {@code lastseen_config_rejected_total}.
     */
    private static ApiKeyStore apiKeys(LastseenConfig config, PrometheusMeterRegistry meters) {
        if (config.apiAccess().keyFile() == null) {
            return ApiKeyStore.none();
        }
        Counter rejected = Counter.builder("lastseen.config.rejected").register(meters);
        return ApiKeyStore.start(
                Path.of(config.apiAccess().keyFile()),
                config.apiAccess().pollInterval(),
                (reason, message) -> rejected.increment(),
                new LastKnownGood(LastseenApp.lastKnownGood(config).file().resolveSibling("last-known-good-api-keys")));
    }

    /** Resolves a port of 0 and a missing {@code application.server} into the endpoint this instance will really have. */
    static LastseenConfig withEndpoint(LastseenConfig config) {
        HttpServerSettings http = config.http();
        int port = http.port() == 0 ? freePort(http.host()) : http.port();
        Object configured = config.streams().get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        String endpoint = configured == null || configured.toString().isBlank()
                ? Endpoints.authority(advertisedHost(http.host()), port)
                : configured.toString().trim();
        HostInfo parsed = HostInfo.buildFromEndpoint(endpoint);
        if (parsed.port() == 0) {
            endpoint = Endpoints.authority(parsed.host(), port);
        }
        Map<String, Object> streams = new HashMap<>(config.streams());
        streams.put(StreamsConfig.APPLICATION_SERVER_CONFIG, endpoint);
        return config.withEndpoint(http.withPorts(port, http.managementPort()), streams);
    }

    private static String advertisedHost(String bindHost) {
        return bindHost == null || bindHost.isBlank() || bindHost.equals("0.0.0.0") || bindHost.equals("::")
                ? "localhost"
                : bindHost;
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port for the HTTP server on " + host, e);
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

    /** The management server's port (health, readiness, metrics), or -1 without one. */
    public int managementPort() {
        return http.managementPort();
    }

    /**
     * A planned stop: not ready at once, the API answering for {@code lastseen.shutdown.drain.ms}, then the
     * server and Kafka Streams close. Idempotent; a concurrent second call returns once the first is done.
     */
    @Override
    public void close() {
        drain.drainThenClose(http, app);
        // After the drain: the keys stay valid while the API still answers.
        keys.close();
    }
}
