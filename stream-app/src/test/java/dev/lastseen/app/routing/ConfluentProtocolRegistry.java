package dev.lastseen.app.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * The few Confluent Schema Registry REST calls lastseen makes, served over the in-memory
 * registry on a loopback port, so that separate application processes and the test's own
 * producers share one registry.
 *
 * <p>Test-only and deliberately small: the multi-instance test is about query routing, not
 * about registries (real Confluent-compatible registries are covered by the Apicurio tests).
 */
final class ConfluentProtocolRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LOOKUP = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest");
    private static final Pattern CONFIG = Pattern.compile("/config/([^/]+)");
    private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");

    private final InMemorySchemaRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    ConfluentProtocolRegistry(InMemorySchemaRegistry registry) throws IOException {
        this.registry = registry;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = 200;
            JsonNode answer;
            try {
                answer = answer(method, path, body);
                if (answer == null) {
                    status = 404;
                    answer = error(40400, "no such endpoint: " + method + " " + path);
                }
            } catch (SchemaRegistryException e) {
                status = e.httpStatus();
                answer = error(e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                status = 422;
                answer = error(42201, e.toString());
            }
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private JsonNode answer(String method, String path, byte[] body) throws IOException {
        Matcher m;
        if (method.equals("POST") && (m = REGISTER.matcher(path)).matches()) {
            return JSON.createObjectNode().put("id", registry.register(subject(m), schema(body)));
        }
        if (method.equals("POST") && (m = COMPATIBILITY.matcher(path)).matches()) {
            return JSON.createObjectNode().put("is_compatible", registry.isCompatible(subject(m), schema(body)));
        }
        if (method.equals("POST") && (m = LOOKUP.matcher(path)).matches()) {
            Schema schema = schema(body);
            return JSON.createObjectNode()
                    .put("subject", subject(m))
                    .put("id", registry.lookup(subject(m), schema))
                    .put("version", 1)
                    .put("schema", schema.toString());
        }
        if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
            return JSON.createObjectNode()
                    .put(
                            "schema",
                            registry.schemaById(Integer.parseInt(m.group(1))).toString());
        }
        if (method.equals("GET") && (m = LATEST.matcher(path)).matches()) {
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
            var array = JSON.createArrayNode();
            registry.subjects().forEach(array::add);
            return array;
        }
        if (method.equals("GET") && path.equals("/config")) {
            return JSON.createObjectNode().put("compatibilityLevel", "BACKWARD");
        }
        if (method.equals("GET") && (m = CONFIG.matcher(path)).matches()) {
            return JSON.createObjectNode().put("compatibilityLevel", registry.compatibility(subject(m)));
        }
        if (method.equals("PUT") && (m = CONFIG.matcher(path)).matches()) {
            String level = JSON.readTree(body).get("compatibility").asText();
            registry.setCompatibility(subject(m), level);
            return JSON.createObjectNode().put("compatibility", level);
        }
        return null;
    }

    private static String subject(Matcher m) {
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    private static Schema schema(byte[] body) throws IOException {
        return new Schema.Parser().parse(JSON.readTree(body).get("schema").asText());
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
