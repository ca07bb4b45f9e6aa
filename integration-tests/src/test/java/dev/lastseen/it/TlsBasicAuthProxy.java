package dev.lastseen.it;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A TLS-terminating reverse proxy that requires HTTP basic auth, in front of a plain-HTTP upstream
 * (the real Apicurio Registry, whose own basic auth needs an OIDC server): how a registry sits
 * behind a gateway in a secured deployment. Built on the JDK's {@code HttpsServer}; a request
 * without the right credentials gets 401 and never reaches the upstream. The upstream sees no
 * {@code Authorization} header. Counts what it forwarded, so a test can tell that its client
 * really went through it.
 */
public final class TlsBasicAuthProxy implements AutoCloseable {
    /** Request headers that belong to one hop, or to the proxy, and are not forwarded. */
    private static final List<String> NOT_FORWARDED =
            List.of("authorization", "host", "connection", "content-length", "expect", "upgrade", "keep-alive");

    private final HttpsServer server;
    private final ExecutorService executor;
    private final HttpClient upstreamClient;
    private final URI upstream;
    private final AtomicLong forwarded = new AtomicLong();

    private TlsBasicAuthProxy(HttpsServer server, ExecutorService executor, URI upstream) {
        this.server = server;
        this.executor = executor;
        this.upstream = upstream;
        this.upstreamClient =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Listens on a free port of 127.0.0.1 with the key of {@code certificates}; forwards to {@code upstream}. */
    public static TlsBasicAuthProxy start(TestCertificates certificates, URI upstream, String user, String password) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setHttpsConfigurator(new HttpsConfigurator(sslContext(certificates)));
            ExecutorService executor = Executors.newFixedThreadPool(8);
            server.setExecutor(executor);
            TlsBasicAuthProxy proxy = new TlsBasicAuthProxy(server, executor, upstream);
            server.createContext("/", proxy::forward).setAuthenticator(new BasicAuthenticator("registry") {
                @Override
                public boolean checkCredentials(String u, String p) {
                    return user.equals(u) && password.equals(p);
                }
            });
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the TLS proxy", e);
        }
    }

    /** The proxy's base URL for an upstream path such as {@code /apis/ccompat/v7}. */
    public String url(String path) {
        return "https://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests that passed basic auth and were forwarded. */
    public long forwarded() {
        return forwarded.get();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            upstream.resolve(exchange.getRequestURI().getRawPath()
                                    + (exchange.getRequestURI().getRawQuery() == null
                                            ? ""
                                            : "?" + exchange.getRequestURI().getRawQuery())))
                    .timeout(Duration.ofSeconds(20))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = upstreamClient.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            forwarded.incrementAndGet();
            response.headers()
                    .firstValue("content-type")
                    .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    private static SSLContext sslContext(TestCertificates certificates) {
        try (InputStream in = Files.newInputStream(certificates.keyStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, certificates.password().toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, certificates.password().toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + certificates.keyStore(), e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        upstreamClient.close();
    }
}
