package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.config.HttpExposure;
import dev.lastseen.app.query.QueryHeaders;
import dev.lastseen.config.HttpServerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server's bounds, against a real server: query slots shed with 503 at once; the
 * management port answers while every query slot and every API connection is taken; oversized
 * headers, request bodies and idle connections are refused.
 */
class HttpServerLimitsTest {
    private static final int SLOTS = 2;
    private static final int CONNECTIONS = 8;
    private static final Duration IDLE = Duration.ofSeconds(1);

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(SLOTS);
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Socket> sockets = new ArrayList<>();
    private HttpServer server;
    private String api;
    private String management;

    @BeforeEach
    void start() {
        QueryLimiter limiter = new QueryLimiter(SLOTS, meters);
        HttpServerSettings settings = new HttpServerSettings(
                "127.0.0.1",
                0,
                0,
                new HttpServerSettings.Limits(SLOTS, CONNECTIONS, 2_048, IDLE, 2 * SLOTS + 16),
                null);
        Health ready = new Health() {
            @Override
            public boolean isLive() {
                return true;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public String describe() {
                return "ready";
            }
        };
        server = HttpServer.start(
                settings,
                HttpExposure.API_ONLY,
                "test:1",
                ready,
                meters,
                routes -> routes.get("/v1/slow", ctx -> {
                    String answer = limiter.call(false, () -> {
                        entered.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return "done";
                    });
                    ctx.result(answer);
                }));
        api = "http://127.0.0.1:" + server.port();
        management = "http://127.0.0.1:" + server.managementPort();
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    @Test
    void probesAndScrapesAreAnsweredWhileEveryQuerySlotAndEveryApiConnectionIsTaken() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            slow.add(client.sendAsync(request(api + "/v1/slow"), HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).as("both slots taken").isTrue();

        long start = System.nanoTime();
        HttpResponse<String> shed = send(api + "/v1/slow");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(shed.statusCode()).isEqualTo(503);
        assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(shed.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith(Problem.CONTENT_TYPE));
        assertThat(json(shed).path("type").asText()).isEqualTo(Problem.TYPE_BASE + "overloaded");
        assertThat(took).as("shed at once, not queued").isLessThan(Duration.ofSeconds(1));

        // Every connection the API port allows, held open by clients that send nothing.
        for (int i = 0; i < CONNECTIONS; i++) {
            sockets.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
        }
        for (String path : List.of("/healthz", "/readyz", "/metrics", "/openapi.yaml")) {
            start = System.nanoTime();
            HttpResponse<String> r = send(management + path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(path).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(send(management + "/metrics").body())
                .containsPattern("(?m)^lastseen_http_queries_shed_total\\{from=\"client\"} 1\\.0$")
                .containsPattern("(?m)^lastseen_http_queries_in_flight\\{from=\"client\"} 2\\.0$");

        release.countDown();
        for (CompletableFuture<HttpResponse<String>> f : slow) {
            assertThat(f.get(10, TimeUnit.SECONDS).body()).isEqualTo("done");
        }
    }

    @Test
    void byDefaultTheApiPortServesOnlyTheApiAndItsDocumentAndNoResponseNamesTheInstance() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/metrics")) {
            HttpResponse<String> r = send(api + path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("lastseen_").doesNotContain("served_by");
            assertThat(r.headers().firstValue(QueryHeaders.SERVED_BY)).as(path).isEmpty();
        }
        assertThat(send(api + "/openapi.yaml").statusCode()).isEqualTo(200);
        HttpResponse<String> health = send(management + "/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue(QueryHeaders.SERVED_BY)).isEmpty();
        assertThat(json(health).has("served_by")).isFalse();
    }

    @Test
    void whenEnabledTheApiPortAlsoServesHealthAndMetricsAndResponsesNameTheInstance() throws Exception {
        server.close();
        server = HttpServer.start(
                new HttpServerSettings("127.0.0.1", 0, 0, HttpServerSettings.Limits.DEFAULTS, null),
                new HttpExposure(true, true),
                "test:1",
                Health.of(() -> true, () -> true, () -> "ready"),
                meters,
                routes -> {});
        String enabled = "http://127.0.0.1:" + server.port();
        for (String path : List.of("/healthz", "/metrics", "/openapi.yaml")) {
            HttpResponse<String> r = send(enabled + path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue(QueryHeaders.SERVED_BY)).as(path).hasValue("test:1");
        }
        assertThat(json(send(enabled + "/nowhere")).path("served_by").asText()).isEqualTo("test:1");
    }

    @Test
    void theManagementPortServesNoQueries() throws Exception {
        HttpResponse<String> r = send(management + "/v1/slow");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).path("type").asText()).isEqualTo(Problem.TYPE_BASE + "not-found");
    }

    @Test
    void headersOverTheBoundAreRefusedWith431AsAProblem() throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(api + "/openapi.yaml"))
                        .header("X-Padding", "x".repeat(3_000))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(431);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith(Problem.CONTENT_TYPE));
        assertThat(json(r).path("type").asText()).isEqualTo(Problem.TYPE_BASE + "request-too-large");
        assertThat(r.body()).doesNotContain("xxxx");
    }

    @Test
    void requestBodiesAreRefused() throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(api + "/openapi.yaml"))
                        .method("GET", HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).path("type").asText()).isEqualTo(Problem.TYPE_BASE + "request-too-large");
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            idle.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            long start = System.nanoTime();
            InputStream in = idle.getInputStream();
            assertThat(in.read()).as("closed by the server").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(IDLE.minusMillis(100))
                    .isLessThan(IDLE.multipliedBy(5));
        }
    }

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build();
    }

    private HttpResponse<String> send(String url) throws IOException, InterruptedException {
        return client.send(request(url), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }
}
