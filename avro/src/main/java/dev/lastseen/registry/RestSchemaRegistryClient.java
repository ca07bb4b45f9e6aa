package dev.lastseen.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.common.Sleeper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, so it works with
 * any Confluent-compatible registry (Confluent, Apicurio's {@code /apis/ccompat/v7}, Karapace,
 * Redpanda). The base URL may carry a path prefix. This class knows the API's routes and caches;
 * HTTP and retries are {@link RegistryTransport}'s, the bodies {@link RegistryJson}'s, the
 * settings {@link RegistrySettings}'.
 *
 * <p>Caching: ids by (subject, schema) and schemas by id are cached (both are immutable in a
 * registry) in LRU maps of {@value #CACHE_CAPACITY} entries each, so serdes ask the registry
 * once per schema. Compatibility answers and levels are never cached.
 *
 * <p>Failures: what the registry cannot answer now (connection errors, timeouts, HTTP 408, 429
 * and 5xx, after the retries) is a {@link RegistryUnavailableException}. Any other non-2xx answer
 * is a {@link SchemaRegistryException} with the HTTP status and the registry's {@code error_code}
 * (or the HTTP status when the body carries none); an answer that cannot be understood has error
 * code {@link SchemaRegistryException#INVALID_RESPONSE}. Credentials never appear in exception
 * messages, {@code toString()}s or logs.
 *
 * <p>Thread-safe; create one per registry and share it (it owns an HTTP client).
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    /** Entries in each of the two caches (ids by subject and schema, schemas by id). */
    public static final int CACHE_CAPACITY = 10_000;
    /** Longest subject accepted. */
    public static final int MAX_SUBJECT_LENGTH = 1_000;

    private final RegistryTransport transport;
    private final BoundedCache<SubjectSchema, Integer> idBySubjectSchema = new BoundedCache<>(CACHE_CAPACITY);
    private final BoundedCache<Integer, Schema> schemaById = new BoundedCache<>(CACHE_CAPACITY);

    public RestSchemaRegistryClient(RegistrySettings settings) {
        this(settings, Sleeper.REAL);
    }

    /** For tests: observes backoff delays instead of sleeping. */
    RestSchemaRegistryClient(RegistrySettings settings, Sleeper sleeper) {
        this.transport = new RegistryTransport(
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(sleeper, "sleeper"));
    }

    /** A client with default settings and no authentication. */
    public static RestSchemaRegistryClient create(String baseUrl) {
        return new RestSchemaRegistryClient(RegistrySettings.of(baseUrl));
    }

    @Override
    public int register(String subject, Schema schema) {
        return idFor(
                "/subjects/" + pathSegment(checkSubject(subject)) + "/versions",
                subject,
                schema,
                "Registering a schema under subject '" + subject + "'");
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return idFor(
                "/subjects/" + pathSegment(checkSubject(subject)),
                subject,
                schema,
                "Looking up a schema under subject '" + subject + "'");
    }

    @Override
    public Schema schemaById(int id) {
        if (id < 0) {
            throw new SchemaRegistryException(
                    "Schema " + id + " not found: registries issue no negative ids",
                    404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        String what = "Fetching schema " + id;
        RegistryResponse response = transport.exchange("GET", "/schemas/ids/" + id, null);
        Schema schema = response.avroSchema(what, response.requireOk(what));
        schemaById.put(id, schema);
        return schema;
    }

    /** A subject with no versions yet (404 with 40401 or 40402) is compatible with anything. */
    @Override
    public boolean isCompatible(String subject, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        String what = "Checking compatibility under subject '" + subject + "'";
        RegistryResponse response = transport.exchange(
                "POST",
                "/compatibility/subjects/" + pathSegment(checkSubject(subject)) + "/versions/latest",
                RegistryJson.schemaRequest(schema));
        if (response.isSubjectOrVersionNotFound(what)) {
            return true;
        }
        JsonNode verdict = response.requireOk(what).get("is_compatible");
        if (verdict == null || !verdict.isBoolean()) {
            throw response.invalid(what, "no 'is_compatible' boolean in the answer");
        }
        return verdict.booleanValue();
    }

    /**
     * The subject's level; when the subject sets none (any 404 — Confluent answers 40408,
     * older versions and other registries 40401 or a bare 404) the global level.
     */
    @Override
    public String compatibility(String subject) {
        String what = "Reading the compatibility level of subject '" + subject + "'";
        RegistryResponse response = transport.exchange("GET", "/config/" + pathSegment(checkSubject(subject)), null);
        if (response.status() != 404) {
            Optional<String> level = RegistryJson.levelIn(response.requireOk(what));
            if (level.isPresent()) {
                return level.get();
            }
        }
        String globalWhat = "Reading the global compatibility level";
        RegistryResponse global = transport.exchange("GET", "/config", null);
        return RegistryJson.levelIn(global.requireOk(globalWhat))
                .orElseThrow(() -> global.invalid(globalWhat, "no 'compatibilityLevel' in the answer"));
    }

    @Override
    public void setCompatibility(String subject, String level) {
        if (level == null || level.isBlank()) {
            throw new IllegalArgumentException("compatibility level must not be blank");
        }
        transport
                .exchange(
                        "PUT",
                        "/config/" + pathSegment(checkSubject(subject)),
                        RegistryJson.compatibilityRequest(level))
                .requireOk("Setting the compatibility level of subject '" + subject + "'");
    }

    /** {@code GET /subjects/{subject}/versions/latest}; a subject without versions (40401, 40402) is empty. */
    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        String what = "Reading the latest version of subject '" + subject + "'";
        RegistryResponse response =
                transport.exchange("GET", "/subjects/" + pathSegment(checkSubject(subject)) + "/versions/latest", null);
        if (response.isSubjectOrVersionNotFound(what)) {
            return Optional.empty();
        }
        JsonNode body = response.requireOk(what);
        Integer id = RegistryJson.intField(body, "id");
        Integer version = RegistryJson.intField(body, "version");
        if (id == null || version == null || RegistryJson.textField(body, "schema") == null) {
            throw response.invalid(what, "no integer 'id' and 'version' and 'schema' string in the answer");
        }
        return Optional.of(new RegisteredSchema(id, version, response.avroSchema(what, body)));
    }

    @Override
    public List<String> subjects() {
        String what = "Listing subjects";
        RegistryResponse response = transport.exchange("GET", "/subjects", null);
        if (!response.isOk()) {
            throw response.failure(what);
        }
        JsonNode body = response.json();
        if (body == null || !body.isArray()) {
            throw response.invalid(what, "the answer is not a JSON array");
        }
        List<String> subjects = new ArrayList<>();
        for (JsonNode s : body) {
            if (!s.isTextual()) {
                throw response.invalid(what, "a subject is not a string");
            }
            subjects.add(s.asText());
        }
        return List.copyOf(subjects);
    }

    private int idFor(String path, String subject, Schema schema, String what) {
        Objects.requireNonNull(schema, "schema");
        SubjectSchema key = new SubjectSchema(subject, schema.toString());
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        RegistryResponse response = transport.exchange("POST", path, RegistryJson.schemaRequest(schema));
        Integer id = RegistryJson.intField(response.requireOk(what), "id");
        if (id == null || id < 0) {
            throw response.invalid(what, "no non-negative integer 'id' in the answer");
        }
        idBySubjectSchema.put(key, id);
        schemaById.put(id, schema);
        return id;
    }

    private static String checkSubject(String subject) {
        if (subject == null || subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH) {
            throw new IllegalArgumentException("subject must be 1 to " + MAX_SUBJECT_LENGTH + " characters");
        }
        return subject;
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, so any subject is one path segment. */
    static String pathSegment(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '~'
                    || (c == '.' && !value.matches("\\.{1,2}"))) {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private record SubjectSchema(String subject, String schema) {}
}
