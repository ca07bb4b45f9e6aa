package dev.lastseen.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, so it works with
 * any Confluent-compatible registry (Confluent, Apicurio's {@code /apis/ccompat/v7}, Karapace,
 * Redpanda). The base URL may carry a path prefix.
 *
 * <p>Caching: ids by (subject, schema) and schemas by id are cached (both are immutable in a
 * registry) in LRU maps of {@value #CACHE_CAPACITY} entries each, so serdes ask the registry
 * once per schema. Compatibility answers and levels are never cached.
 *
 * <p>Failures: connection errors, timeouts, HTTP 408, 429 and 5xx are retried with
 * exponential backoff and jitter, then surface as {@link RegistryUnavailableException}.
 * Any other non-2xx answer is a {@link SchemaRegistryException} with the HTTP status and the
 * registry's {@code error_code} (or the HTTP status when the body carries none); an answer
 * that cannot be understood has error code {@link SchemaRegistryException#INVALID_RESPONSE}.
 * Credentials never appear in exception messages, {@code toString()}s or logs.
 *
 * <p>Thread-safe; create one per registry and share it (it owns an {@link HttpClient}).
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    /** The content type of the Confluent Schema Registry API, version 1. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Entries in each of the two caches (ids by subject and schema, schemas by id). */
    public static final int CACHE_CAPACITY = 10_000;
    /** Largest response body accepted; a larger one is an invalid response. */
    public static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    /** Longest subject accepted. */
    public static final int MAX_SUBJECT_LENGTH = 1_000;

    static final String ACCEPT =
            CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final String REDACTED = "****";
    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final String base;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final String authorization;
    private final List<String> secrets;
    private final BoundedCache<SubjectSchema, Integer> idBySubjectSchema = new BoundedCache<>(CACHE_CAPACITY);
    private final BoundedCache<Integer, Schema> schemaById = new BoundedCache<>(CACHE_CAPACITY);

    public RestSchemaRegistryClient(Settings settings) {
        this(settings, Sleeper.REAL);
    }

    /** For tests: observes backoff delays instead of sleeping. */
    RestSchemaRegistryClient(Settings settings, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.base = settings.baseUrl().toString();
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // never send credentials elsewhere
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.authorization = authorizationHeader(settings.auth());
        this.secrets = secretsOf(settings.auth(), authorization);
    }

    /** A client with default settings and no authentication. */
    public static RestSchemaRegistryClient create(String baseUrl) {
        return new RestSchemaRegistryClient(Settings.of(baseUrl));
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public int register(String subject, Schema schema) {
        return idFor(
                "POST",
                "/subjects/" + pathSegment(checkSubject(subject)) + "/versions",
                subject,
                schema,
                "Registering a schema under subject '" + subject + "'");
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return idFor(
                "POST",
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
        Response response = exchange("GET", "/schemas/ids/" + id, null);
        JsonNode body = response.requireOk(what);
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw response.invalid(what, "no 'schema' string in the answer");
        }
        JsonNode type = body.get("schemaType");
        if (type != null && type.isTextual() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new SchemaRegistryException(
                    what + ": it is a " + sanitize(type.asText()) + " schema, not Avro [" + response.target + "]",
                    response.status,
                    SchemaRegistryException.INVALID_SCHEMA);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException | IllegalArgumentException e) {
            throw new SchemaRegistryException(
                    what + ": not a parseable Avro schema [" + response.target + "]",
                    response.status,
                    SchemaRegistryException.INVALID_SCHEMA);
        }
        schemaById.put(id, schema);
        return schema;
    }

    /** A subject with no versions yet (404 with 40401 or 40402) is compatible with anything. */
    @Override
    public boolean isCompatible(String subject, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        String what = "Checking compatibility under subject '" + subject + "'";
        Response response = exchange(
                "POST",
                "/compatibility/subjects/" + pathSegment(checkSubject(subject)) + "/versions/latest",
                schemaBody(schema));
        if (response.status == 404) {
            SchemaRegistryException error = response.failure(what);
            if (error.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || error.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true;
            }
            throw error;
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
        Response response = exchange("GET", "/config/" + pathSegment(checkSubject(subject)), null);
        if (response.status != 404) {
            Optional<String> level = levelIn(response.requireOk(what));
            if (level.isPresent()) {
                return level.get();
            }
        }
        String globalWhat = "Reading the global compatibility level";
        Response global = exchange("GET", "/config", null);
        return levelIn(global.requireOk(globalWhat))
                .orElseThrow(() -> global.invalid(globalWhat, "no 'compatibilityLevel' in the answer"));
    }

    @Override
    public void setCompatibility(String subject, String level) {
        if (level == null || level.isBlank()) {
            throw new IllegalArgumentException("compatibility level must not be blank");
        }
        ObjectNode body =
                JSON.createObjectNode().put("compatibility", level.trim().toUpperCase(Locale.ROOT));
        exchange("PUT", "/config/" + pathSegment(checkSubject(subject)), json(body))
                .requireOk("Setting the compatibility level of subject '" + subject + "'");
    }

    /** {@code GET /subjects/{subject}/versions/latest}; a subject without versions (40401, 40402) is empty. */
    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        String what = "Reading the latest version of subject '" + subject + "'";
        Response response =
                exchange("GET", "/subjects/" + pathSegment(checkSubject(subject)) + "/versions/latest", null);
        if (response.status == 404) {
            SchemaRegistryException error = response.failure(what);
            if (error.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || error.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return Optional.empty();
            }
            throw error;
        }
        JsonNode body = response.requireOk(what);
        JsonNode id = body.get("id");
        JsonNode version = body.get("version");
        JsonNode text = body.get("schema");
        if (id == null
                || !id.isIntegralNumber()
                || !id.canConvertToInt()
                || version == null
                || !version.isIntegralNumber()
                || !version.canConvertToInt()
                || text == null
                || !text.isTextual()) {
            throw response.invalid(what, "no integer 'id' and 'version' and 'schema' string in the answer");
        }
        JsonNode type = body.get("schemaType");
        if (type != null && type.isTextual() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new SchemaRegistryException(
                    what + ": it is a " + sanitize(type.asText()) + " schema, not Avro [" + response.target + "]",
                    response.status,
                    SchemaRegistryException.INVALID_SCHEMA);
        }
        try {
            return Optional.of(
                    new RegisteredSchema(id.intValue(), version.intValue(), new Schema.Parser().parse(text.asText())));
        } catch (SchemaParseException | IllegalArgumentException e) {
            throw new SchemaRegistryException(
                    what + ": not a parseable Avro schema [" + response.target + "]",
                    response.status,
                    SchemaRegistryException.INVALID_SCHEMA);
        }
    }

    @Override
    public List<String> subjects() {
        String what = "Listing subjects";
        Response response = exchange("GET", "/subjects", null);
        if (response.status < 200 || response.status > 299) {
            throw response.failure(what);
        }
        JsonNode body = parse(response.body);
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

    // ---------------------------------------------------------------- requests

    private int idFor(String method, String path, String subject, Schema schema, String what) {
        Objects.requireNonNull(schema, "schema");
        SubjectSchema key = new SubjectSchema(subject, schema.toString());
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        Response response = exchange(method, path, schemaBody(schema));
        JsonNode id = response.requireOk(what).get("id");
        if (id == null || !id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) {
            throw response.invalid(what, "no non-negative integer 'id' in the answer");
        }
        idBySubjectSchema.put(key, id.intValue());
        schemaById.put(id.intValue(), schema);
        return id.intValue();
    }

    /**
     * Sends the request, retrying connection errors, timeouts, 408, 429 and 5xx. Returns
     * the first answer that is not retryable, whatever its status.
     */
    private Response exchange(String method, String path, byte[] body) {
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
                    return new Response(target, status, response.body());
                }
                reason = "HTTP " + status;
                retryAfter = retryAfter(response);
            } catch (ResponseTooLargeException e) {
                throw new SchemaRegistryException(
                        "The answer to " + target + " is larger than " + MAX_RESPONSE_BYTES + " bytes",
                        e.status,
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
            Duration delay = backoff(attempt, retryAfter);
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
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request, info -> new BoundedBodySubscriber(info.statusCode(), MAX_RESPONSE_BYTES));
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
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof ResponseTooLargeException tooLarge) {
                    throw tooLarge;
                }
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

    private static Duration retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            return seconds >= 0 ? Duration.ofSeconds(Math.min(seconds, 3_600)) : null;
        } catch (NumberFormatException e) {
            return null; // an HTTP date: ignore, use our own backoff
        }
    }

    /**
     * Exponential backoff with "equal jitter": the n-th retry (0-based) waits between half
     * and all of {@code min(maxBackoff, initialBackoff * 2^n)}; a {@code Retry-After} from the
     * registry raises that, up to {@code maxBackoff}.
     */
    Duration backoff(int retry, Duration retryAfter) {
        long initial = settings.initialBackoff().toNanos();
        long max = settings.maxBackoff().toNanos();
        long ceiling = retry >= 62 || initial > (max >> retry) ? max : Math.min(max, initial << retry);
        long half = ceiling / 2;
        long delay = half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
        if (retryAfter != null) {
            delay = Math.max(delay, Math.min(max, retryAfter.toNanos()));
        }
        return Duration.ofNanos(delay);
    }

    // ---------------------------------------------------------------- responses

    private final class Response {
        final String target;
        final int status;
        final byte[] body;

        Response(String target, int status, byte[] body) {
            this.target = target;
            this.status = status;
            this.body = body;
        }

        /** The body as a JSON object if the status is 2xx; otherwise the registry's error. */
        JsonNode requireOk(String what) {
            if (status < 200 || status > 299) {
                throw failure(what);
            }
            JsonNode node = parse(body);
            if (node == null || !node.isObject()) {
                throw invalid(what, "the answer is not a JSON object");
            }
            return node;
        }

        SchemaRegistryException failure(String what) {
            int errorCode = status;
            String message = null;
            JsonNode node = parse(body);
            if (node != null && node.isObject()) {
                JsonNode code = node.get("error_code");
                if (code != null && code.isIntegralNumber() && code.canConvertToInt()) {
                    errorCode = code.intValue();
                }
                JsonNode text = node.get("message");
                if (text != null && text.isTextual()) {
                    message = text.asText();
                }
            }
            if (message == null) {
                message = body.length == 0
                        ? "no message"
                        : new String(body, 0, Math.min(body.length, 4 * MAX_MESSAGE_CHARS), StandardCharsets.UTF_8);
            }
            return new SchemaRegistryException(
                    what + " failed: " + sanitize(message) + " [" + target + "]", status, errorCode);
        }

        SchemaRegistryException invalid(String what, String problem) {
            return new SchemaRegistryException(
                    what + ": the registry's answer is not understood (" + problem + ") [" + target + "]",
                    status,
                    SchemaRegistryException.INVALID_RESPONSE);
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<String> levelIn(JsonNode body) {
        for (String field : List.of("compatibilityLevel", "compatibility")) {
            JsonNode level = body.get(field);
            if (level != null && level.isTextual() && !level.asText().isBlank()) {
                return Optional.of(level.asText());
            }
        }
        return Optional.empty();
    }

    /** Registry text in our messages: bounded, one line, and never a credential. */
    private String sanitize(String text) {
        String clean = text;
        for (String secret : secrets) {
            clean = clean.replace(secret, REDACTED);
        }
        StringBuilder out = new StringBuilder(Math.min(clean.length(), MAX_MESSAGE_CHARS + 3));
        for (int i = 0; i < clean.length() && out.length() < MAX_MESSAGE_CHARS; i++) {
            char c = clean.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (clean.length() > MAX_MESSAGE_CHARS) {
            out.append("...");
        }
        return out.toString().strip();
    }

    // ---------------------------------------------------------------- encoding

    private static byte[] schemaBody(Schema schema) {
        return json(JSON.createObjectNode().put("schema", schema.toString()));
    }

    private static byte[] json(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("Could not encode a request body", e);
        }
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

    private static String authorizationHeader(Auth auth) {
        if (auth instanceof Auth.Basic basic) {
            return "Basic "
                    + Base64.getEncoder()
                            .encodeToString(
                                    (basic.username() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8));
        }
        if (auth instanceof Auth.Bearer bearer) {
            return "Bearer " + bearer.token();
        }
        return null;
    }

    private static List<String> secretsOf(Auth auth, String header) {
        List<String> secrets = new ArrayList<>();
        if (header != null) {
            secrets.add(header.substring(header.indexOf(' ') + 1));
        }
        if (auth instanceof Auth.Basic basic) {
            secrets.add(basic.password());
        } else if (auth instanceof Auth.Bearer bearer) {
            secrets.add(bearer.token());
        }
        return List.copyOf(secrets);
    }

    private record SubjectSchema(String subject, String schema) {}

    /** Pauses between retries; replaced in tests. */
    @FunctionalInterface
    interface Sleeper {
        Sleeper REAL = delay -> TimeUnit.NANOSECONDS.sleep(delay.toNanos());

        void sleep(Duration delay) throws InterruptedException;
    }

    /** A response body larger than the limit. */
    private static final class ResponseTooLargeException extends IOException {
        final int status;

        ResponseTooLargeException(int status) {
            super("response body too large");
            this.status = status;
        }
    }

    /** Collects a response body, failing as soon as it exceeds the limit. */
    private static final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final int status;
        private final int limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        BoundedBodySubscriber(int status, int limit) {
            this.status = status;
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (item.remaining() > limit - buffer.size()) {
                    subscription.cancel();
                    result.completeExceptionally(new ResponseTooLargeException(status));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }

    // ---------------------------------------------------------------- configuration

    /** How the client authenticates. {@code toString()} never shows a secret. */
    public sealed interface Auth permits Auth.None, Auth.Basic, Auth.Bearer {

        static Auth none() {
            return None.INSTANCE;
        }

        /** HTTP basic authentication ({@code user:password}, e.g. a Confluent Cloud API key and secret). */
        static Auth basic(String username, String password) {
            return new Basic(username, password);
        }

        /** A bearer token ({@code Authorization: Bearer <token>}). */
        static Auth bearer(String token) {
            return new Bearer(token);
        }

        /** No authentication. */
        enum None implements Auth {
            INSTANCE;

            @Override
            public String toString() {
                return "None";
            }
        }

        record Basic(String username, String password) implements Auth {
            public Basic {
                if (username == null || username.isEmpty()) {
                    throw new IllegalArgumentException("auth.username must not be empty");
                }
                if (username.indexOf(':') >= 0 || hasControlCharacter(username)) {
                    throw new IllegalArgumentException("auth.username must not contain ':' or control characters");
                }
                if (password == null || password.isEmpty()) {
                    throw new IllegalArgumentException("auth.password must not be empty");
                }
                if (hasControlCharacter(password)) {
                    throw new IllegalArgumentException("auth.password must not contain control characters");
                }
            }

            @Override
            public String toString() {
                return "Basic[username=" + username + ", password=" + REDACTED + "]";
            }
        }

        record Bearer(String token) implements Auth {
            public Bearer {
                if (token == null || token.isBlank()) {
                    throw new IllegalArgumentException("auth.token must not be blank");
                }
                if (token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                    throw new IllegalArgumentException("auth.token must be visible ASCII without spaces");
                }
            }

            @Override
            public String toString() {
                return "Bearer[token=" + REDACTED + "]";
            }
        }
    }

    private static boolean hasControlCharacter(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }

    /**
     * Client settings. {@code baseUrl} is the registry's root, possibly with a path prefix
     * (e.g. {@code http://localhost:8080/apis/ccompat/v7}); credentials go in {@code auth},
     * never in the URL. {@code readTimeout} bounds each attempt's wait for a complete answer;
     * {@code maxRetries} is the number of retries after the first attempt.
     */
    public record Settings(
            URI baseUrl,
            Duration connectTimeout,
            Duration readTimeout,
            int maxRetries,
            Duration initialBackoff,
            Duration maxBackoff,
            Auth auth) {
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
        public static final int DEFAULT_MAX_RETRIES = 5;
        public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
        public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
        public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
        public static final int MAX_RETRIES = 100;

        public Settings {
            baseUrl = checkBaseUrl(baseUrl);
            checkDuration("connectTimeout", connectTimeout, MAX_TIMEOUT);
            checkDuration("readTimeout", readTimeout, MAX_TIMEOUT);
            if (maxRetries < 0 || maxRetries > MAX_RETRIES) {
                throw new IllegalArgumentException(
                        "maxRetries must be between 0 and " + MAX_RETRIES + ", got " + maxRetries);
            }
            checkDuration("initialBackoff", initialBackoff, MAX_BACKOFF);
            checkDuration("maxBackoff", maxBackoff, MAX_BACKOFF);
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff (" + maxBackoff
                        + ") must not be less than initialBackoff (" + initialBackoff + ")");
            }
            if (auth == null) {
                throw new IllegalArgumentException("auth is required (use Auth.none())");
            }
        }

        /** Default settings, no authentication. */
        public static Settings of(String baseUrl) {
            return builder(baseUrl).build();
        }

        public static Builder builder(String baseUrl) {
            return new Builder().baseUrl(baseUrl);
        }

        public static Builder builder(URI baseUrl) {
            return new Builder().baseUrl(baseUrl);
        }

        public Builder toBuilder() {
            return new Builder()
                    .baseUrl(baseUrl)
                    .connectTimeout(connectTimeout)
                    .readTimeout(readTimeout)
                    .maxRetries(maxRetries)
                    .initialBackoff(initialBackoff)
                    .maxBackoff(maxBackoff)
                    .auth(auth);
        }

        private static URI checkBaseUrl(URI url) {
            if (url == null) {
                throw new IllegalArgumentException("baseUrl is required");
            }
            // Checked first: the URL is echoed in no message, but a credential must not be kept either.
            if (url.getRawUserInfo() != null) {
                throw new IllegalArgumentException("baseUrl must not contain credentials; configure auth instead");
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("baseUrl must be an http or https URL");
            }
            if (url.getHost() == null || url.getHost().isEmpty()) {
                throw new IllegalArgumentException("baseUrl must name a host");
            }
            if (url.getRawQuery() != null || url.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl must not have a query or fragment");
            }
            String text = url.toString();
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            return URI.create(text);
        }

        private static void checkDuration(String field, Duration value, Duration max) {
            if (value == null) {
                throw new IllegalArgumentException(field + " is required");
            }
            if (value.toMillis() < 1 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between 1ms and " + max + ", got " + value);
            }
        }

        /** Builds {@link Settings}; starts from the defaults. */
        public static final class Builder {
            private URI baseUrl;
            private Duration connectTimeout = Settings.DEFAULT_CONNECT_TIMEOUT;
            private Duration readTimeout = Settings.DEFAULT_READ_TIMEOUT;
            private int maxRetries = Settings.DEFAULT_MAX_RETRIES;
            private Duration initialBackoff = Settings.DEFAULT_INITIAL_BACKOFF;
            private Duration maxBackoff = Settings.DEFAULT_MAX_BACKOFF;
            private Auth auth = Auth.none();

            private Builder() {}

            /** @throws IllegalArgumentException if it is not a URL (the text is not echoed: it may hold a credential) */
            public Builder baseUrl(String baseUrl) {
                if (baseUrl == null || baseUrl.isBlank()) {
                    throw new IllegalArgumentException("baseUrl is required");
                }
                try {
                    return baseUrl(new URI(baseUrl.trim()));
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("baseUrl is not a valid URL");
                }
            }

            public Builder baseUrl(URI baseUrl) {
                this.baseUrl = baseUrl;
                return this;
            }

            public Builder connectTimeout(Duration connectTimeout) {
                this.connectTimeout = connectTimeout;
                return this;
            }

            public Builder readTimeout(Duration readTimeout) {
                this.readTimeout = readTimeout;
                return this;
            }

            public Builder maxRetries(int maxRetries) {
                this.maxRetries = maxRetries;
                return this;
            }

            public Builder initialBackoff(Duration initialBackoff) {
                this.initialBackoff = initialBackoff;
                return this;
            }

            public Builder maxBackoff(Duration maxBackoff) {
                this.maxBackoff = maxBackoff;
                return this;
            }

            public Builder auth(Auth auth) {
                this.auth = auth;
                return this;
            }

            public Builder basicAuth(String username, String password) {
                return auth(Auth.basic(username, password));
            }

            public Builder bearerToken(String token) {
                return auth(Auth.bearer(token));
            }

            /** @throws IllegalArgumentException naming the first invalid field */
            public Settings build() {
                return new Settings(baseUrl, connectTimeout, readTimeout, maxRetries, initialBackoff, maxBackoff, auth);
            }
        }
    }
}
