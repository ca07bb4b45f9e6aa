package dev.lastseen.app.query;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.common.BoundedBody;
import dev.lastseen.config.KeyStoreFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Sends a query to the instance that owns the account, within connect and read timeouts (and
 * never past the caller's remaining deadline), and returns its complete answer. The request
 * carries {@link QueryHeaders#FORWARDED}, so the owner never forwards it again, and a
 * {@link PeerSignature} of that one request — never the instance credential itself, nor the
 * caller's API key, which stays on the instance that checked it. Over HTTPS when the API uses TLS,
 * verifying the owner's certificate (and its host name) against the configured truststore only
 * (never the JDK's public CAs). Only to instances whose host matches
 * {@code lastseen.query.forward.allowed.hosts}: group metadata naming any other address is refused.
 */
public final class Forwarder {
    /** A listing page of 1000 tokens is well under 1 MiB; anything larger is not an answer of ours. */
    static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private static final List<String> PASSED_HEADERS = List.of(QueryHeaders.SERVED_BY, "Retry-After");

    private final HttpClient http;
    private final String scheme;
    private final PeerSignature signature;
    private final Pattern allowedHosts;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /**
     * @param scheme     "http" or "https": what the instances' API speaks
     * @param ssl          the trust for "https" (required for it)
     * @param signature    signs each forwarded request
     * @param allowedHosts the hosts queries may be forwarded to (matched whole)
     */
    public Forwarder(
            Duration connectTimeout,
            Duration readTimeout,
            String scheme,
            SSLContext ssl,
            PeerSignature signature,
            Pattern allowedHosts) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.http = builder.build();
        this.scheme = scheme;
        this.signature = signature;
        this.allowedHosts = allowedHosts;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * The forwarder of an instance, or null when no instance credential is configured: then this
     * instance forwards nothing.
     *
     * @param tls whether the instances' API speaks HTTPS
     */
    public static Forwarder of(LastseenConfig.QuerySettings settings, boolean tls) {
        if (settings.forwardCredential() == null) {
            return null;
        }
        return new Forwarder(
                settings.forwardConnectTimeout(),
                settings.forwardReadTimeout(),
                tls ? "https" : "http",
                tls ? sslContext(settings.forwardTrust()) : null,
                new PeerSignature(settings.forwardCredentials(), Clock.systemUTC()),
                settings.forwardHosts());
    }

    private static SSLContext sslContext(KeyStoreFile trust) {
        if (trust == null) {
            // The configuration refuses this already; public CAs would let anyone with any certificate pose as an
            // instance.
            throw new IllegalStateException(
                    "forwarding over TLS needs a truststore (lastseen.query.forward.truststore.path)");
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust.load());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the truststore " + trust, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS for forwarding with " + trust, e);
        }
    }

    /**
     * @param pathAndQuery the raw (still encoded) path and query of the caller's request
     * @param budget       the most time the exchange may take (the rest of the caller's deadline)
     */
    public ForwardedResponse forward(HostInfo target, String pathAndQuery, Duration budget)
            throws ForwardFailedException {
        String authority = Endpoints.authority(target);
        if (!allowedHosts.matcher(target.host()).matches()) {
            throw new ForwardFailedException(
                    "instance " + authority + " (from group metadata) does not match"
                            + " lastseen.query.forward.allowed.hosts: not forwarded",
                    null);
        }
        URI uri;
        try {
            uri = URI.create(scheme + "://" + authority + pathAndQuery);
        } catch (IllegalArgumentException e) {
            throw new ForwardFailedException("instance " + authority + " has an address that is not a URL", e);
        }
        long limit = Math.min(connectTimeout.plus(readTimeout).toMillis(), budget.toMillis());
        if (limit <= 0) {
            throw new ForwardFailedException("no time left to ask instance " + authority, null);
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(Math.min(readTimeout.toMillis(), limit)))
                .header(QueryHeaders.FORWARDED, "1")
                .header("Authorization", signature.sign("GET", authority, pathAndQuery))
                .header("Accept", "application/json")
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, BoundedBody.upTo(MAX_RESPONSE_BYTES));
        // The request timeout stops at the response headers; this bounds the whole exchange, body included.
        try {
            HttpResponse<byte[]> response = future.get(limit, TimeUnit.MILLISECONDS);
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new ForwardFailedException(
                        "instance " + authority + " refused the instance signature (" + response.statusCode()
                                + "): every instance must have the same lastseen.query.forward.credential and"
                                + " clocks within " + PeerSignature.VALIDITY.toSeconds() + " s",
                        null);
            }
            Map<String, String> headers = new HashMap<>();
            for (String name : PASSED_HEADERS) {
                response.headers().firstValue(name).ifPresent(v -> headers.put(name, v));
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
            return new ForwardedResponse(response.statusCode(), contentType, response.body(), headers);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ForwardFailedException(
                    "instance " + authority + " gave no complete answer within " + limit + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ForwardFailedException("interrupted while waiting for instance " + authority, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause instanceof HttpTimeoutException
                    ? "timed out"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            throw new ForwardFailedException("instance " + authority + " did not answer (" + why + ")", cause);
        }
    }
}
