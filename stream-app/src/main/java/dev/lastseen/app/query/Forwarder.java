package dev.lastseen.app.query;

import dev.lastseen.common.BoundedBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Sends a query to the instance that owns the account, with connect and read timeouts, and
 * returns its complete answer. The request carries {@link QueryHeaders#FORWARDED} so the
 * owner never forwards it again, and the caller's {@code Authorization} header so the owner
 * checks the same key.
 */
public final class Forwarder {
    /** A listing page of 1000 tokens is well under 1 MiB; anything larger is not an answer of ours. */
    static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private static final List<String> PASSED_HEADERS =
            List.of(QueryHeaders.SERVED_BY, "Retry-After", "WWW-Authenticate");

    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    public Forwarder(Duration connectTimeout, Duration readTimeout) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * @param pathAndQuery the raw (still encoded) path and query of the caller's request
     * @param authorization the caller's Authorization header, or null
     */
    public ForwardedResponse forward(HostInfo owner, String pathAndQuery, String authorization)
            throws ForwardFailedException {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(readTimeout)
                .header(QueryHeaders.FORWARDED, "1")
                .header("Accept", "application/json")
                .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request.build(), BoundedBody.upTo(MAX_RESPONSE_BYTES));
        // The request timeout stops at the response headers; this bounds the whole exchange, body included.
        long limit = connectTimeout.plus(readTimeout).toMillis();
        String target = owner.host() + ":" + owner.port();
        try {
            HttpResponse<byte[]> response = future.get(limit, TimeUnit.MILLISECONDS);
            Map<String, String> headers = new HashMap<>();
            for (String name : PASSED_HEADERS) {
                response.headers().firstValue(name).ifPresent(v -> headers.put(name, v));
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
            return new ForwardedResponse(response.statusCode(), contentType, response.body(), headers);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ForwardFailedException(
                    "instance " + target + " gave no complete answer within " + limit + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ForwardFailedException("interrupted while waiting for instance " + target, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause instanceof HttpTimeoutException
                    ? "timed out"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            throw new ForwardFailedException("instance " + target + " did not answer (" + why + ")", cause);
        }
    }
}
