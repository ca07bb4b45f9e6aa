package dev.lastseen.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * The one test schema registry: a Confluent-protocol HTTP server on a loopback port.
 *
 * <ul>
 *   <li>Scripted: each "METHOD /raw/path" gets a list of replies, served in order, the last one
 *       repeating ({@link #on}); for the client's own tests (errors, retries, hangs).
 *   <li>Backed: created with an {@link InMemorySchemaRegistry}, it answers the calls lastseen makes
 *       (register, look up, schema by id, latest version, subjects, compatibility, config) from it,
 *       so that separate processes and a test's own producers share one registry.
 * </ul>
 *
 * <p>Scripts take precedence; anything neither scripted nor answered by a backend gets a 400 that no
 * test expects. Every request is recorded. The real registry of the integration tests is Apicurio.
 */
public final class TestRegistryServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request the server received. */
    public record Request(String method, String rawPath, Map<String, List<String>> headers, String body) {
        /** The first value of a header, by case-insensitive name. */
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e ->
                            e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** One scripted reply. */
    public record Reply(int status, String body, Map<String, String> headers, boolean hangs) {
        public static Reply json(int status, String body) {
            return new Reply(status, body, Map.of("Content-Type", RegistryTransport.CONTENT_TYPE), false);
        }

        public static Reply ok(String body) {
            return json(200, body);
        }

        public static Reply error(int status, int errorCode, String message) {
            return json(
                    status,
                    JSON.createObjectNode()
                            .put("error_code", errorCode)
                            .put("message", message)
                            .toString());
        }

        public static Reply text(int status, String body) {
            return new Reply(status, body, Map.of("Content-Type", "text/html"), false);
        }

        /** Never answers (until the server closes). */
        public static Reply hang() {
            return new Reply(0, "", Map.of(), true);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> all = new HashMap<>(headers);
            all.put(name, value);
            return new Reply(status, body, all, hangs);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, Deque<Reply>> script = new HashMap<>();
    private final ConfluentProtocol backend;
    /** Every request received, in order. */
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    /** A scripted server with no backend. */
    public TestRegistryServer() throws IOException {
        this(null);
    }

    /** A server that answers the Confluent protocol from {@code registry} (null: scripted only). */
    public TestRegistryServer(InMemorySchemaRegistry registry) throws IOException {
        backend = registry == null ? null : new ConfluentProtocol(registry);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Scripts the replies to "METHOD /raw/path"; the last reply repeats. */
    public synchronized TestRegistryServer on(String methodAndRawPath, Reply... replies) {
        script.put(methodAndRawPath, new ArrayDeque<>(List.of(replies)));
        return this;
    }

    public List<Request> requestsTo(String methodAndRawPath) {
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
            Reply reply = reply(request);
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

    private Reply reply(Request request) {
        String key = request.method() + " " + request.rawPath();
        Reply scripted = next(key);
        if (scripted != null) {
            return scripted;
        }
        return backend == null ? Reply.error(400, 99999, "unscripted request " + key) : backend.answer(request);
    }

    private synchronized Reply next(String key) {
        Deque<Reply> replies = script.get(key);
        if (replies == null || replies.isEmpty()) {
            return null;
        }
        return replies.size() > 1 ? replies.poll() : replies.peek();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** The few Confluent Schema Registry REST calls lastseen makes, answered from an in-memory registry. */
    private static final class ConfluentProtocol {
        private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
        private static final Pattern LOOKUP = Pattern.compile("/subjects/([^/]+)");
        private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
        private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest");
        private static final Pattern CONFIG = Pattern.compile("/config/([^/]+)");
        private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");

        private final InMemorySchemaRegistry registry;

        ConfluentProtocol(InMemorySchemaRegistry registry) {
            this.registry = registry;
        }

        Reply answer(Request request) {
            try {
                JsonNode answer = answer(request.method(), request.rawPath(), request.body());
                if (answer == null) {
                    return Reply.error(404, 40400, "no such endpoint: " + request.method() + " " + request.rawPath());
                }
                return Reply.ok(answer.toString());
            } catch (SchemaRegistryException e) {
                return Reply.error(e.httpStatus(), e.errorCode(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                return Reply.error(422, 42201, e.toString());
            }
        }

        private JsonNode answer(String method, String path, String body) throws IOException {
            Matcher m = match(REGISTER, path);
            if (method.equals("POST") && m != null) {
                return JSON.createObjectNode().put("id", registry.register(subject(m), schema(body)));
            }
            m = match(COMPATIBILITY, path);
            if (method.equals("POST") && m != null) {
                return JSON.createObjectNode().put("is_compatible", registry.isCompatible(subject(m), schema(body)));
            }
            m = match(LOOKUP, path);
            if (method.equals("POST") && m != null) {
                Schema schema = schema(body);
                return JSON.createObjectNode()
                        .put("subject", subject(m))
                        .put("id", registry.lookup(subject(m), schema))
                        .put("version", 1)
                        .put("schema", schema.toString());
            }
            m = match(BY_ID, path);
            if (method.equals("GET") && m != null) {
                return JSON.createObjectNode()
                        .put(
                                "schema",
                                registry.schemaById(Integer.parseInt(m.group(1)))
                                        .toString());
            }
            m = match(LATEST, path);
            if (method.equals("GET") && m != null) {
                String subject = subject(m);
                var latest = registry.latest(subject)
                        .orElseThrow(() -> new SchemaRegistryException(
                                "Subject '" + subject + "' not found", 404, SchemaRegistryException.SUBJECT_NOT_FOUND));
                return JSON.createObjectNode()
                        .put("subject", subject)
                        .put("id", latest.id())
                        .put("version", latest.version())
                        .put("schema", latest.schema().toString());
            }
            if (method.equals("GET") && path.equals("/subjects")) {
                ArrayNode array = JSON.createArrayNode();
                registry.subjects().forEach(array::add);
                return array;
            }
            if (method.equals("GET") && path.equals("/config")) {
                return JSON.createObjectNode().put("compatibilityLevel", "BACKWARD");
            }
            m = match(CONFIG, path);
            if (method.equals("GET") && m != null) {
                return JSON.createObjectNode().put("compatibilityLevel", registry.compatibility(subject(m)));
            }
            if (method.equals("PUT") && m != null) {
                String level = JSON.readTree(body).get("compatibility").asText();
                registry.setCompatibility(subject(m), level);
                return JSON.createObjectNode().put("compatibility", level);
            }
            return null;
        }

        /** The matcher when the whole path matches, else null. */
        private static Matcher match(Pattern pattern, String path) {
            Matcher m = pattern.matcher(path);
            return m.matches() ? m : null;
        }

        private static String subject(Matcher m) {
            return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        }

        private static Schema schema(String body) throws IOException {
            return new Schema.Parser().parse(JSON.readTree(body).get("schema").asText());
        }
    }
}
