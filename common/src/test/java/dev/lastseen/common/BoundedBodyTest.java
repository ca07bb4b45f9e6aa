package dev.lastseen.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server (the JDK's): a body at the bound is read, one byte more fails the exchange. */
class BoundedBodyTest {
    private static final int LIMIT = 64 * 1024;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/bytes/", exchange -> {
            long n = Long.parseLong(exchange.getRequestURI().getPath().substring("/bytes/".length()));
            exchange.sendResponseHeaders(207, 0); // chunked: the client cannot know the length up front
            try (var out = exchange.getResponseBody()) {
                byte[] chunk = new byte[8 * 1024];
                for (long left = n; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(left, chunk.length));
                }
            } catch (java.io.IOException clientWentAway) {
                // expected when the client cancels a body over the bound
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        client.close();
    }

    private HttpRequest get(long bytes) {
        return HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/bytes/" + bytes))
                .build();
    }

    @Test
    void aBodyUpToTheBoundIsReadWhole() throws Exception {
        assertThat(client.send(get(LIMIT), BoundedBody.upTo(LIMIT)).body()).hasSize(LIMIT);
        assertThat(client.send(get(0), BoundedBody.upTo(LIMIT)).body()).isEmpty();
    }

    @Test
    void aLargerBodyFailsTheExchangeNamingTheBoundAndTheStatus() {
        var future = client.sendAsync(get(100L * LIMIT), BoundedBody.upTo(LIMIT));
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> {
                    BoundedBody.TooLargeException tooLarge = BoundedBody.tooLarge((ExecutionException) e);
                    assertThat(tooLarge).isNotNull();
                    assertThat(tooLarge.status()).isEqualTo(207);
                    assertThat(tooLarge.limit()).isEqualTo(LIMIT);
                    assertThat(tooLarge).hasMessageContaining(String.valueOf(LIMIT));
                });
    }

    @Test
    void otherFailuresAreNotMistakenForATooLargeBody() {
        assertThat(BoundedBody.tooLarge(new ExecutionException(new java.io.IOException("reset"))))
                .isNull();
    }
}
