package dev.lastseen.app.http;

import dev.lastseen.app.config.HttpExposure;
import dev.lastseen.app.query.QueryHeaders;
import dev.lastseen.common.LogSafe;
import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.config.KeyStoreFile;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface: {@code /healthz}, {@code /readyz} and {@code /metrics} without auth, plus
 * the API routes a caller adds. Every error is {@code application/problem+json}; an
 * unexpected exception is logged here and answered with a generic 500, never a trace.
 * When {@code lastseen.http.served-by.enabled} is on, every response, errors included, names the
 * instance that served it: the {@link QueryHeaders#SERVED_BY} header, and a {@code served_by} member
 * in JSON bodies; off (the default), no response names an instance.
 * The OpenAPI document ({@code /openapi.yaml}, kept in {@code src/main/resources}) is served
 * without auth.
 *
 * <p><b>Two servers, so queries cannot starve probes and scrapes.</b> The API server (the
 * configured host and port, HTTPS when a keystore is configured) has its own thread pool, a
 * connection limit, a bound on request line plus headers, an idle timeout, and refuses request
 * bodies (the API has none); its queries are limited by a {@link QueryLimiter}. The management
 * server ({@code lastseen.http.management.port}, plain HTTP) serves health, readiness, metrics and
 * the OpenAPI document on a connector and a small thread pool of its own, so it answers whatever
 * the API is going through. The API port serves only {@code /v1} and the OpenAPI document, unless
 * {@code lastseen.http.api.serves.management} puts health, readiness and metrics there too
 * (unprotected, for clients that have not moved; a single-port server such as the applier's does).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** The OpenAPI document on the classpath and the route it is served at. */
    public static final String OPENAPI_RESOURCE = "/openapi.yaml";

    public static final String OPENAPI_PATH = "/openapi.yaml";
    /** Paths and parameter names echo client input: bounded (and escaped) before a message or a log line. */
    static final int MAX_PATH_LOG_CHARS = 200;
    /** Threads of the management server: enough for a few probes and scrapes at once, whatever the API load. */
    static final int MANAGEMENT_THREADS = 8;

    /** A registered route, as the OpenAPI document must describe it. */
    public record Route(String method, String path) {}

    private final Javalin api;
    private final Javalin management; // null without a management port
    private final List<Route> routes;

    private HttpServer(Javalin api, Javalin management, List<Route> routes) {
        this.api = api;
        this.management = management;
        this.routes = List.copyOf(routes);
    }

    /**
     * @param exposure what the API port serves besides the API, and whether it names the instance
     * @param instance the instance id ({@code host:port} of {@code application.server}), put on every response when
     *     {@code lastseen.http.served-by.enabled} is on
     */
    public static HttpServer start(
            HttpServerSettings settings,
            HttpExposure exposure,
            String instance,
            Health readiness,
            PrometheusMeterRegistry meters,
            Consumer<RoutesConfig> apiRoutes) {
        // Named on responses only when enabled: a pod name maps the deployment for whoever reads it.
        String servedBy = exposure.servedBy() ? instance : null;
        byte[] openApi = openApiDocument();
        List<Route> routes = new ArrayList<>();
        HttpServerSettings.Limits limits = settings.limits();
        Javalin api = Javalin.create(config -> {
            common(config, servedBy, pool("lastseen-http", limits.threads()));
            config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(limits.maxHeaderBytes()));
            config.jetty.addConnector((server, http) -> apiConnector(server, http, settings));
            config.events.handlerAdded(h -> {
                if (h.getHttpMethod().isHttpMethod()) {
                    routes.add(new Route(h.getHttpMethod().name(), h.getPath()));
                }
            });
            config.routes.before(HttpServer::refuseBodies);
            if (exposure.managementOnApiPort()) {
                managementRoutes(config.routes, servedBy, readiness, meters);
            }
            openApiRoute(config.routes, openApi);
            apiRoutes.accept(config.routes);
            errorRoutes(config.routes, servedBy);
        });
        Javalin management = settings.managementPort() == HttpServerSettings.NO_MANAGEMENT_PORT
                ? null
                : Javalin.create(config -> {
                    common(config, servedBy, pool("lastseen-management", MANAGEMENT_THREADS));
                    config.jetty.addConnector((server, http) -> {
                        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
                        c.setHost(settings.host());
                        c.setPort(settings.managementPort());
                        c.setIdleTimeout(limits.idleTimeout().toMillis());
                        return c;
                    });
                    managementRoutes(config.routes, servedBy, readiness, meters);
                    openApiRoute(config.routes, openApi);
                    errorRoutes(config.routes, servedBy);
                });
        api.start();
        try {
            if (management != null) {
                management.start();
            }
        } catch (RuntimeException e) {
            api.stop();
            throw e;
        }
        log.info(
                "HTTP server listening on {}://{}:{} as {}{}",
                settings.scheme(),
                settings.host(),
                api.port(),
                instance,
                management == null
                        ? " (no management port)"
                        : "; health, readiness and metrics on http://" + settings.host() + ":" + management.port());
        return new HttpServer(api, management, routes);
    }

    private static void common(JavalinConfig config, String servedBy, QueuedThreadPool threads) {
        config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
        config.startup.showJavalinBanner = false;
        config.jetty.threadPool = threads;
        config.jetty.modifyHttpConfiguration(http -> {
            // Jetty caches header fields per connection and by default matches a new header against the
            // cache ignoring case: "Authorization: bearer <key>" could then be read as an earlier request's
            // differently-cased value. Credentials must be read exactly as sent.
            http.setHeaderCacheCaseSensitive(true);
            http.setSendServerVersion(false);
        });
        // Errors Jetty answers itself, before any route (a request line or headers over the bound: 431), are
        // problem documents too.
        config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler(servedBy)));
        if (servedBy != null) {
            config.routes.before(ctx -> ctx.header(QueryHeaders.SERVED_BY, servedBy));
        }
    }

    private static QueuedThreadPool pool(String name, int threads) {
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(4, threads));
        pool.setName(name);
        return pool;
    }

    private static Connector apiConnector(Server server, HttpConfiguration http, HttpServerSettings settings) {
        HttpServerSettings.Limits limits = settings.limits();
        ServerConnector connector;
        if (settings.tls() == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            HttpConfiguration https = new HttpConfiguration(http);
            // Clients reach instances by IP address as often as by name; the certificate's names are checked by them.
            https.addCustomizer(new SecureRequestCustomizer(false));
            connector =
                    new ServerConnector(server, sslContextFactory(settings.tls()), new HttpConnectionFactory(https));
        }
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        return connector;
    }

    private static SslContextFactory.Server sslContextFactory(KeyStoreFile keystore) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        try {
            ssl.setKeyStore(keystore.load());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the API keystore " + keystore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load the API keystore " + keystore, e);
        }
        ssl.setKeyStorePassword(keystore.password());
        return ssl;
    }

    /** The API takes no request body; one is refused before anything reads it. */
    private static void refuseBodies(Context ctx) {
        if (ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null) {
            throw new ProblemException(
                    Problem.of("request-too-large", "Request too large", 413, "Requests to this API carry no body."));
        }
    }

    private static Map<String, String> status(String status, String servedBy) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", status);
        if (servedBy != null) {
            body.put("served_by", servedBy);
        }
        return body;
    }

    private static void openApiRoute(RoutesConfig routes, byte[] openApi) {
        routes.get(OPENAPI_PATH, ctx -> ctx.contentType("application/yaml").result(openApi));
    }

    private static void managementRoutes(
            RoutesConfig routes, String servedBy, Health readiness, PrometheusMeterRegistry meters) {
        routes.get("/healthz", ctx -> {
            if (readiness.isLive()) {
                ctx.json(status("UP", servedBy));
            } else {
                problem(ctx, Problem.of("not-live", "Not live", 503, readiness.describe()), Map.of(), servedBy);
            }
        });
        routes.get("/readyz", ctx -> {
            if (readiness.isReady()) {
                ctx.json(status("READY", servedBy));
            } else {
                problem(
                        ctx,
                        Problem.of("not-ready", "Not ready", 503, readiness.describe()),
                        Map.of("Retry-After", "1"),
                        servedBy);
            }
        });
        routes.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(meters.scrape()));
    }

    private static void errorRoutes(RoutesConfig routes, String servedBy) {
        routes.exception(ProblemException.class, (e, ctx) -> problem(ctx, e.problem(), e.headers(), servedBy));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error(
                    "Unhandled error serving {} {}", ctx.method(), LogSafe.oneLine(ctx.path(), MAX_PATH_LOG_CHARS), e);
            problem(
                    ctx,
                    Problem.of(
                            "internal-error",
                            "Internal error",
                            500,
                            "The server failed to answer; the error is logged. Retry, and report it if it persists."),
                    Map.of(),
                    servedBy);
        });
        routes.error(404, "*", ctx -> {
            String type = ctx.res().getContentType();
            if (type == null
                    || !type.startsWith(Problem.CONTENT_TYPE)) { // not already answered as a problem by a handler
                problem(
                        ctx,
                        Problem.of(
                                "not-found",
                                "Not found",
                                404,
                                "No resource at " + LogSafe.oneLine(ctx.path(), MAX_PATH_LOG_CHARS)),
                        Map.of(),
                        servedBy);
            }
        });
        routes.error(
                405,
                "*",
                ctx -> problem(
                        ctx,
                        Problem.of(
                                "method-not-allowed",
                                "Method not allowed",
                                405,
                                ctx.method() + " is not supported on "
                                        + LogSafe.oneLine(ctx.path(), MAX_PATH_LOG_CHARS)),
                        Map.of(),
                        servedBy));
    }

    static void problem(Context ctx, Problem p, Map<String, String> headers, String servedBy) {
        headers.forEach(ctx::header);
        ctx.status(p.status()).contentType(Problem.CONTENT_TYPE).json(p.servedBy(servedBy));
        ctx.contentType(Problem.CONTENT_TYPE);
    }

    private static byte[] openApiDocument() {
        try (InputStream in = HttpServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The OpenAPI document " + OPENAPI_RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the OpenAPI document " + OPENAPI_RESOURCE, e);
        }
    }

    /**
     * Answers the errors Jetty produces before routing (a request line or headers over the bound,
     * a malformed request) as problem documents, without echoing anything of the request.
     */
    private static final class ProblemErrorHandler extends ErrorHandler {
        private final String servedBy;

        ProblemErrorHandler(String servedBy) {
            this.servedBy = servedBy;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            Problem p = status == 431
                    ? Problem.of(
                            "request-too-large",
                            "Request header too large",
                            431,
                            "The request line and headers exceed the server's bound (lastseen.http.max.header.bytes).")
                    : Problem.of("bad-request", "Bad request", status, "The server could not read the request.");
            byte[] body;
            try {
                body = Json.MAPPER.writeValueAsBytes(p.servedBy(servedBy));
            } catch (IOException e) {
                body = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
            if (servedBy != null) {
                response.getHeaders().put(QueryHeaders.SERVED_BY, servedBy);
            }
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }

    /** Every HTTP route registered, for checking the OpenAPI document against. */
    public List<Route> routes() {
        return routes;
    }

    public int port() {
        return api.port();
    }

    /** The management server's port, or {@link HttpServerSettings#NO_MANAGEMENT_PORT} without one. */
    public int managementPort() {
        return management == null ? HttpServerSettings.NO_MANAGEMENT_PORT : management.port();
    }

    @Override
    public void close() {
        if (management != null) {
            management.stop();
        }
        api.stop();
    }
}
