package dev.lastseen.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.avro.Schema;

/** The JSON bodies of the Confluent Schema Registry API: what the client sends and how it reads answers. */
final class RegistryJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryJson() {}

    /** {@code {"schema": "<the schema as JSON text>"}}: the body of register, lookup and compatibility calls. */
    static byte[] schemaRequest(Schema schema) {
        return write(JSON.createObjectNode().put("schema", schema.toString()));
    }

    /** {@code {"compatibility": "BACKWARD"}}: the body of a level change. */
    static byte[] compatibilityRequest(String level) {
        return write(JSON.createObjectNode().put("compatibility", level.trim().toUpperCase(Locale.ROOT)));
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The level in a {@code /config} answer: Confluent says {@code compatibilityLevel}, some registries {@code compatibility}. */
    static Optional<String> levelIn(JsonNode body) {
        for (String field : List.of("compatibilityLevel", "compatibility")) {
            JsonNode level = body.get(field);
            if (level != null && level.isTextual() && !level.asText().isBlank()) {
                return Optional.of(level.asText());
            }
        }
        return Optional.empty();
    }

    /** An error answer's {@code error_code} and {@code message}, each null when absent. */
    record ErrorBody(Integer code, String message) {
        static ErrorBody of(byte[] body) {
            JsonNode node = parse(body);
            if (node == null || !node.isObject()) {
                return new ErrorBody(null, null);
            }
            JsonNode code = node.get("error_code");
            JsonNode text = node.get("message");
            return new ErrorBody(
                    code != null && code.isIntegralNumber() && code.canConvertToInt() ? code.intValue() : null,
                    text != null && text.isTextual() ? text.asText() : null);
        }
    }

    /** An integer field that fits an int, or null. */
    static Integer intField(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : null;
    }

    /** A string field, or null. */
    static String textField(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("Could not encode a request body", e);
        }
    }
}
