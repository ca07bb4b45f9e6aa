package dev.lastseen.registry;

import dev.lastseen.common.Backoff;
import dev.lastseen.common.BoundedBody;
import dev.lastseen.common.LogSafe;
import dev.lastseen.common.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to the registry: one request, its bounded answer, and retries. Connection errors, timeouts,
 * HTTP 408, 429 and 5xx are retried with the settings' backoff (raised to a {@code Retry-After}),
 * then surface as {@link RegistryUnavailableException}; any other answer is returned whatever its
 * status. Redirects are never followed, so credentials are never sent elsewhere. Thread-safe.
 */
final class RegistryTransport {
    /** The content type of the Confluent Schema Registry API, version 1. */
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Largest response body accepted; a larger one is an invalid response. */
    static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

    static final String ACCEPT =
            CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(RegistryTransport.class);

    private final RegistrySettings settings;
    private final String base;
    private final HttpClient http;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final String authorization;
    private final List<String> secrets;

    RegistryTransport(RegistrySettings settings, Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = sleeper;
        this.base = settings.baseUrl().toString();
        this.backoff = settings.backoff();
        HttpClient.Builder http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // never send credentials elsewhere
                .version(HttpClient.Version.HTTP_1_1);
        if (settings.sslContext() != null) {
            http.sslContext(settings.sslContext());
        }
        this.http = http.build();
        this.authorization = settings.auth().authorizationHeader();
        this.secrets = settings.auth().secrets();
    }

    /** Sends the request, retrying what is retryable; returns the first answer that is not. */
    RegistryResponse exchange(String method, String path, byte[] body) {
        URI uri = URI.create(base + path);
        String target = method + " " + uri;
        HttpRequest request = request(method, uri, body);
        for (int attempt = 0; ; attempt++) {
            String reason;
            IOException failure = null;
            Duration retryAfter = null;
            try {
                HttpResponse<byte[]> response = send(request);
                int status = response.statusCode();
                if (!isRetryable(status)) {
                    return new RegistryResponse(target, status, response.body(), this::logSafe);
                }
                reason = "HTTP " + status;
                retryAfter = retryAfter(response);
            } catch (BoundedBody.TooLargeException e) {
                throw new SchemaRegistryException(
                        "The answer to " + target + " is larger than " + MAX_RESPONSE_BYTES + " bytes",
                        e.status(),
                        SchemaRegistryException.INVALID_RESPONSE);
            } catch (IOException e) {
                failure = e;
                reason = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("Interrupted while calling the schema registry: " + target, e);
            }
            if (attempt >= settings.maxRetries()) {
                throw new RegistryUnavailableException(
                        "Schema registry unavailable: " + target + " failed after " + (attempt + 1)
                                + " attempt(s), last with " + reason,
                        failure);
            }
            Duration delay = backoff.delay(attempt, retryAfter);
            log.warn(
                    "Schema registry call {} failed with {}; retry {}/{} in {} ms",
                    target,
                    reason,
                    attempt + 1,
                    settings.maxRetries(),
                    delay.toMillis());
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("Interrupted while waiting to retry " + target, e);
            }
        }
    }

    /** Registry text in our messages: without the client's credentials, then bounded and on one line. */
    String logSafe(String text) {
        String clean = text;
        for (String secret : secrets) {
            clean = clean.replace(secret, RegistryAuth.REDACTED);
        }
        return LogSafe.oneLine(clean.strip(), MAX_MESSAGE_CHARS);
    }

    private HttpRequest request(String method, URI uri, byte[] body) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri).timeout(settings.readTimeout()).header("Accept", ACCEPT);
        if (body != null) {
            builder.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, BoundedBody.upTo(MAX_RESPONSE_BYTES));
        // The request timeout stops at the response headers; this bounds the whole exchange.
        long limitMillis =
                settings.connectTimeout().plus(settings.readTimeout()).toMillis();
        try {
            return future.get(limitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + limitMillis + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            BoundedBody.TooLargeException tooLarge = BoundedBody.tooLarge(e);
            if (tooLarge != null) {
                throw tooLarge;
            }
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(
                    cause == null ? "request failed" : cause.getClass().getSimpleName(), cause);
        }
    }

    private static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** A {@code Retry-After} in seconds (an HTTP date is ignored: our own backoff applies). */
    private static Duration retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            return seconds >= 0 ? Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER.toSeconds())) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
