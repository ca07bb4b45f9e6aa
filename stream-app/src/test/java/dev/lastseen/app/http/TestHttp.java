package dev.lastseen.app.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The HTTP client of the tests: every body it receives goes through {@link SecretScan}.
 */
public final class TestHttp {
    private final HttpClient client;
    private final Duration timeout;

    public TestHttp() {
        this(Duration.ofSeconds(20));
    }

    public TestHttp(Duration timeout) {
        this(timeout, null);
    }

    /** @param tls trust for https URLs (null: the JDK's default) */
    public TestHttp(Duration timeout, SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.client = b.build();
        this.timeout = timeout;
    }

    public HttpResponse<String> get(String url, String apiKey) {
        return get(url, apiKey == null ? Map.of() : Map.of("Authorization", "Bearer " + apiKey));
    }

    public HttpResponse<String> get(String url, Map<String, String> headers) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
        headers.forEach(b::header);
        try {
            HttpResponse<String> response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            SecretScan.check(response.body(), "GET " + url + " -> " + response.statusCode());
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
