package dev.lastseen.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * One answer of the registry and how it turns into a value or an exception. Every message names
 * the request ({@code target}) and passes registry text through {@code logSafe}, so it is bounded,
 * on one line and free of the client's credentials.
 */
final class RegistryResponse {
    private static final int MAX_ECHOED_BODY_BYTES = 1_200;

    private final String target;
    private final int status;
    private final byte[] body;
    private final UnaryOperator<String> logSafe;

    RegistryResponse(String target, int status, byte[] body, UnaryOperator<String> logSafe) {
        this.target = target;
        this.status = status;
        this.body = body;
        this.logSafe = logSafe;
    }

    int status() {
        return status;
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    JsonNode json() {
        return RegistryJson.parse(body);
    }

    boolean isOk() {
        return status >= 200 && status <= 299;
    }

    /** The body as a JSON object if the status is 2xx; otherwise the registry's error. */
    JsonNode requireOk(String what) {
        if (!isOk()) {
            throw failure(what);
        }
        JsonNode node = RegistryJson.parse(body);
        if (node == null || !node.isObject()) {
            throw invalid(what, "the answer is not a JSON object");
        }
        return node;
    }

    /** The registry's error: its {@code error_code} (or the HTTP status) and its message. */
    SchemaRegistryException failure(String what) {
        RegistryJson.ErrorBody error = RegistryJson.ErrorBody.of(body);
        String message = error.message();
        if (message == null) {
            message = body.length == 0
                    ? "no message"
                    : new String(body, 0, Math.min(body.length, MAX_ECHOED_BODY_BYTES), StandardCharsets.UTF_8);
        }
        return new SchemaRegistryException(
                what + " failed: " + logSafe.apply(message) + " [" + target + "]",
                status,
                error.code() == null ? status : error.code());
    }

    /** A 404 whose error code says the subject or its version does not exist (rather than, say, a wrong URL). */
    boolean isSubjectOrVersionNotFound(String what) {
        if (status != 404) {
            return false;
        }
        SchemaRegistryException error = failure(what);
        if (error.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                || error.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
            return true;
        }
        throw error;
    }

    SchemaRegistryException invalid(String what, String problem) {
        return new SchemaRegistryException(
                what + ": the registry's answer is not understood (" + problem + ") [" + target + "]",
                status,
                SchemaRegistryException.INVALID_RESPONSE);
    }

    /** The Avro schema in an answer's {@code schema} (and {@code schemaType}, absent meaning Avro) fields. */
    Schema avroSchema(String what, JsonNode answer) {
        String text = RegistryJson.textField(answer, "schema");
        if (text == null) {
            throw invalid(what, "no 'schema' string in the answer");
        }
        String type = RegistryJson.textField(answer, "schemaType");
        if (type != null && !"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(
                    what + ": it is a " + logSafe.apply(type) + " schema, not Avro [" + target + "]",
                    status,
                    SchemaRegistryException.INVALID_SCHEMA);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | IllegalArgumentException e) {
            throw new SchemaRegistryException(
                    what + ": not a parseable Avro schema [" + target + "]",
                    status,
                    SchemaRegistryException.INVALID_SCHEMA);
        }
    }
}
