package dev.lastseen.app.http;

import dev.lastseen.app.Readiness;
import dev.lastseen.app.config.LastseenConfig;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface: {@code /healthz}, {@code /readyz} and {@code /metrics} without auth, plus
 * the API routes a caller adds. Every error is {@code application/problem+json}; an
 * unexpected exception is logged here and answered with a generic 500, never a trace.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private final Javalin javalin;

    private HttpServer(Javalin javalin) {
        this.javalin = javalin;
    }

    public static HttpServer start(LastseenConfig.HttpSettings settings, Readiness readiness, PrometheusMeterRegistry meters,
                                   Consumer<RoutesConfig> apiRoutes) {
        Javalin app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.startup.showJavalinBanner = false;
            config.routes.get("/healthz", ctx -> {
                if (readiness.isLive()) {
                    ctx.json(Map.of("status", "UP"));
                } else {
                    problem(ctx, Problem.of("not-live", "Not live", 503, readiness.describe()), Map.of());
                }
            });
            config.routes.get("/readyz", ctx -> {
                if (readiness.isReady()) {
                    ctx.json(Map.of("status", "READY"));
                } else {
                    problem(ctx, Problem.of("not-ready", "Not ready", 503, readiness.describe()), Map.of("Retry-After", "1"));
                }
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape()));
            apiRoutes.accept(config.routes);
            config.routes.exception(ProblemException.class, (e, ctx) -> problem(ctx, e.problem(), e.headers()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Unhandled error serving {} {}", ctx.method(), ctx.path(), e);
                problem(ctx, Problem.of("internal-error", "Internal error", 500,
                        "The server failed to answer; the error is logged. Retry, and report it if it persists."), Map.of());
            });
            config.routes.error(404, "*", ctx -> {
                if (!Problem.CONTENT_TYPE.equals(ctx.res().getContentType())) {
                    problem(ctx, Problem.of("not-found", "Not found", 404, "No resource at " + ctx.path()), Map.of());
                }
            });
            config.routes.error(405, "*", ctx -> problem(ctx, Problem.of("method-not-allowed", "Method not allowed", 405,
                    ctx.method() + " is not supported on " + ctx.path()), Map.of()));
        });
        app.start(settings.host(), settings.port());
        log.info("HTTP server listening on {}:{}", settings.host(), app.port());
        return new HttpServer(app);
    }

    static void problem(io.javalin.http.Context ctx, Problem p, Map<String, String> headers) {
        headers.forEach(ctx::header);
        ctx.status(p.status()).contentType(Problem.CONTENT_TYPE).json(p);
        ctx.contentType(Problem.CONTENT_TYPE);
    }

    public int port() {
        return javalin.port();
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
