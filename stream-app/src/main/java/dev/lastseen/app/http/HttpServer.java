package dev.lastseen.app.http;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.query.QueryHeaders;
import dev.lastseen.common.LogSafe;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface: {@code /healthz}, {@code /readyz} and {@code /metrics} without auth, plus
 * the API routes a caller adds. Every error is {@code application/problem+json}; an
 * unexpected exception is logged here and answered with a generic 500, never a trace.
 * Every response, errors included, names the instance that served it: the
 * {@link QueryHeaders#SERVED_BY} header, and a {@code served_by} member in JSON bodies.
 * The OpenAPI document ({@code /openapi.yaml}, kept in {@code src/main/resources}) is served
 * without auth.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** The OpenAPI document on the classpath and the route it is served at. */
    public static final String OPENAPI_RESOURCE = "/openapi.yaml";

    public static final String OPENAPI_PATH = "/openapi.yaml";
    /** Paths and parameter names echo client input: bounded (and escaped) before a message or a log line. */
    static final int MAX_PATH_LOG_CHARS = 200;

    /** A registered route, as the OpenAPI document must describe it. */
    public record Route(String method, String path) {}

    private final Javalin javalin;
    private final List<Route> routes;

    private HttpServer(Javalin javalin, List<Route> routes) {
        this.javalin = javalin;
        this.routes = List.copyOf(routes);
    }

    /**
     * @param servedBy the instance id ({@code host:port} of {@code application.server}) put on every response
     */
    public static HttpServer start(
            LastseenConfig.HttpSettings settings,
            String servedBy,
            Health readiness,
            PrometheusMeterRegistry meters,
            Consumer<RoutesConfig> apiRoutes) {
        byte[] openApi = openApiDocument();
        List<Route> routes = new ArrayList<>();
        Javalin app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.startup.showJavalinBanner = false;
            // Jetty caches header fields per connection and by default matches a new header against the
            // cache ignoring case: "Authorization: bearer <key>" could then be read as an earlier request's
            // differently-cased value. Credentials must be read exactly as sent.
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            config.events.handlerAdded(h -> {
                if (h.getHttpMethod().isHttpMethod()) {
                    routes.add(new Route(h.getHttpMethod().name(), h.getPath()));
                }
            });
            config.routes.before(ctx -> ctx.header(QueryHeaders.SERVED_BY, servedBy));
            config.routes.get("/healthz", ctx -> {
                if (readiness.isLive()) {
                    ctx.json(Map.of("status", "UP", "served_by", servedBy));
                } else {
                    problem(ctx, Problem.of("not-live", "Not live", 503, readiness.describe()), Map.of(), servedBy);
                }
            });
            config.routes.get("/readyz", ctx -> {
                if (readiness.isReady()) {
                    ctx.json(Map.of("status", "READY", "served_by", servedBy));
                } else {
                    problem(
                            ctx,
                            Problem.of("not-ready", "Not ready", 503, readiness.describe()),
                            Map.of("Retry-After", "1"),
                            servedBy);
                }
            });
            config.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(meters.scrape()));
            config.routes.get(
                    OPENAPI_PATH, ctx -> ctx.contentType("application/yaml").result(openApi));
            apiRoutes.accept(config.routes);
            config.routes.exception(
                    ProblemException.class, (e, ctx) -> problem(ctx, e.problem(), e.headers(), servedBy));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error(
                        "Unhandled error serving {} {}",
                        ctx.method(),
                        LogSafe.oneLine(ctx.path(), MAX_PATH_LOG_CHARS),
                        e);
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
            config.routes.error(404, "*", ctx -> {
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
            config.routes.error(
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
        });
        app.start(settings.host(), settings.port());
        log.info("HTTP server listening on {}:{} as {}", settings.host(), app.port(), servedBy);
        return new HttpServer(app, routes);
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

    /** Every HTTP route registered, for checking the OpenAPI document against. */
    public List<Route> routes() {
        return routes;
    }

    public int port() {
        return javalin.port();
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
