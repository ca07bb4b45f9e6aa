package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI document describes exactly the routes the server registers, and the served copy is the one in the repo. */
class OpenApiDocumentTest {
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() throws Exception {
        JsonNode doc;
        try (InputStream in = getClass().getResourceAsStream(HttpServer.OPENAPI_RESOURCE)) {
            doc = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        Set<String> documented = new TreeSet<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue().fieldNames().forEachRemaining(method -> {
                    if (METHODS.contains(method)) {
                        documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                }));

        try (QueryTestKit kit = new QueryTestKit()) {
            String base = kit.startHttp();
            Set<String> registered = new TreeSet<>();
            kit.http().routes().forEach(r -> registered.add(r.method() + " " + r.path()));
            assertThat(registered)
                    .as("routes registered by the server")
                    .isNotEmpty()
                    .contains("GET " + TokenResource.TOKEN_PATH, "GET " + TokenResource.LIST_PATH, "GET /readyz");
            assertThat(documented).isEqualTo(registered);

            HttpResponse<String> served = new TestHttp().get(base + HttpServer.OPENAPI_PATH, (String) null);
            Path inRepo = Path.of("src/main/resources/openapi.yaml"); // Maven runs tests in the module directory
            assertThat(inRepo).as("the document in the repository").isRegularFile();
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(Files.readString(inRepo));
        }
    }

    @Test
    void everyDocumentedParameterBoundMatchesTheCode() throws Exception {
        JsonNode doc;
        try (InputStream in = getClass().getResourceAsStream(HttpServer.OPENAPI_RESOURCE)) {
            doc = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        Map<String, JsonNode> parameters = new HashMap<>();
        doc.get("paths")
                .get(TokenResource.LIST_PATH)
                .get("get")
                .get("parameters")
                .forEach(p -> parameters.put(p.path("name").asText(), p));
        assertThat(parameters).containsKeys("limit", "page_token");
        JsonNode limit = parameters.get("limit").get("schema");
        assertThat(limit.get("maximum").asInt()).isEqualTo(TokenResource.MAX_LIMIT);
        assertThat(limit.get("default").asInt()).isEqualTo(TokenResource.DEFAULT_LIMIT);
        assertThat(parameters.get("page_token").get("schema").get("maxLength").asInt())
                .isEqualTo(PageToken.MAX_CHARS);
        assertThat(doc.get("components")
                        .get("schemas")
                        .get("Id")
                        .get("maxLength")
                        .asInt())
                .isEqualTo(dev.lastseen.avro.Identifiers.MAX_ID_LENGTH);
    }
}
