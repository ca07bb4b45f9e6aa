package dev.lastseen.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lastseen.app.config.HttpExposure;
import dev.lastseen.app.http.Health;
import dev.lastseen.app.http.HttpServer;
import dev.lastseen.common.Sleeper;
import dev.lastseen.config.HttpServerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The stop sequence on a real HTTP server: not ready at once, answering during the drain, then closed. */
class ShutdownDrainTest {
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private int status(int port, String path) throws IOException, InterruptedException {
        return client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void onStopReadinessTurns503AtOnceTheApiAnswersThroughTheDrainThenTheServerAndStreamsClose() throws Exception {
        CountDownLatch drainEnds = new CountDownLatch(1);
        // The drain's wait is this latch: the test decides when the drain period is over.
        Sleeper drainWait = d -> drainEnds.await();
        ShutdownDrain drain =
                new ShutdownDrain(Health.of(() -> true, () -> true, () -> "ok"), Duration.ofSeconds(5), drainWait);
        HttpServer http = HttpServer.start(
                new HttpServerSettings(
                        "127.0.0.1",
                        0,
                        HttpServerSettings.NO_MANAGEMENT_PORT,
                        HttpServerSettings.Limits.DEFAULTS,
                        null),
                HttpExposure.SINGLE_PORT,
                "test:1",
                drain,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                routes -> routes.get("/v1/ping", ctx -> ctx.result("pong")));
        int port = http.port();
        AtomicBoolean streamsClosed = new AtomicBoolean();
        assertThat(status(port, "/readyz")).isEqualTo(200);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> drain.drainThenClose(http, () -> {
            assertThat(streamsClosed.getAndSet(true)).isFalse();
        }));
        await("/readyz 503 as soon as the stop begins")
                .atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> status(port, "/readyz") == 503);
        assertThat(status(port, "/v1/ping"))
                .as("the API still answers during the drain")
                .isEqualTo(200);
        assertThat(status(port, "/healthz")).as("still live: no restart").isEqualTo(200);
        assertThat(streamsClosed).isFalse();
        assertThat(stopping).isNotDone();

        drainEnds.countDown();
        stopping.get();
        assertThat(streamsClosed).isTrue();
        assertThatThrownBy(() -> status(port, "/v1/ping")).isInstanceOf(IOException.class);
        drain.drainThenClose(http, () -> streamsClosed.set(false)); // a second stop does nothing
        assertThat(streamsClosed).isTrue();
    }
}
