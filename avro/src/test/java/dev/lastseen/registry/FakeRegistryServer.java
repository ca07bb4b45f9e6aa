package dev.lastseen.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A scripted schema registry on a loopback port: each "METHOD /raw/path" gets a list of
 * replies, served in order, the last one repeating. Unscripted requests get a 400 that no
 * test expects. Every request is recorded.
 */
final class FakeRegistryServer implements AutoCloseable {

    record Request(String method, String rawPath, Map<String, List<String>> headers, String body) {
        /** The first value of a header, by case-insensitive name. */
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e ->
                            e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    record Reply(int status, String body, Map<String, String> headers, boolean hangs) {
        static Reply json(int status, String body) {
            return new Reply(status, body, Map.of("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE), false);
        }

        static Reply ok(String body) {
            return json(200, body);
        }

        static Reply error(int status, int errorCode, String message) {
            return json(status, "{\"error_code\": " + errorCode + ", \"message\": \"" + message + "\"}");
        }

        static Reply text(int status, String body) {
            return new Reply(status, body, Map.of("Content-Type", "text/html"), false);
        }

        /** Never answers (until the server closes). */
        static Reply hang() {
            return new Reply(0, "", Map.of(), true);
        }

        Reply withHeader(String name, String value) {
            Map<String, String> all = new HashMap<>(headers);
            all.put(name, value);
            return new Reply(status, body, all, hangs);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, Deque<Reply>> script = new HashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeRegistryServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Scripts the replies to "METHOD /raw/path"; the last reply repeats. */
    synchronized FakeRegistryServer on(String methodAndRawPath, Reply... replies) {
        script.put(methodAndRawPath, new ArrayDeque<>(List.of(replies)));
        return this;
    }

    List<Request> requestsTo(String methodAndRawPath) {
        return requests.stream()
                .filter(r -> (r.method() + " " + r.rawPath()).equals(methodAndRawPath))
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body);
            requests.add(request);
            Reply reply = next(request.method() + " " + request.rawPath());
            if (reply.hangs()) {
                closing.await(30, TimeUnit.SECONDS);
                return;
            }
            reply.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized Reply next(String key) {
        Deque<Reply> replies = script.get(key);
        if (replies == null || replies.isEmpty()) {
            return Reply.error(400, 99999, "unscripted request " + key);
        }
        return replies.size() > 1 ? replies.poll() : replies.peek();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
