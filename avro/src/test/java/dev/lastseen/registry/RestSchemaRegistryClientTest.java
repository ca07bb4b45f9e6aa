package dev.lastseen.registry;

import static dev.lastseen.registry.TestRegistryServer.Reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.serde.WireFormatException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RestSchemaRegistryClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = LoginEvent.getClassSchema();
    private static final String SUBJECT = "login-events-value";
    private static final String PASSWORD = "pa55-w0rd-XYZZY";
    private static final String TOKEN = "tkn.QWERTY-123.secret";

    private final TestRegistryServer server;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    RestSchemaRegistryClientTest() throws IOException {
        server = new TestRegistryServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private RegistrySettings.Builder settings() {
        return RegistrySettings.builder(server.baseUrl())
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(5))
                .maxRetries(3)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(80));
    }

    private RestSchemaRegistryClient client(RegistrySettings settings) {
        return new RestSchemaRegistryClient(settings, sleeps::add);
    }

    private RestSchemaRegistryClient client() {
        return client(settings().build());
    }

    private static String schemaReply(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    // ------------------------------------------------------------ round trips

    @Test
    void registerPostsTheSchemaAndCachesTheId() throws IOException {
        server.on("POST /subjects/login-events-value/versions", Reply.ok("{\"id\": 7}"));
        RestSchemaRegistryClient client = client();

        assertThat(client.register(SUBJECT, SCHEMA)).isEqualTo(7);
        assertThat(client.register(SUBJECT, SCHEMA)).isEqualTo(7);

        assertThat(server.requests).hasSize(1);
        TestRegistryServer.Request request = server.requests.get(0);
        assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Accept")).startsWith("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Authorization")).isNull();
        JsonNode body = JSON.readTree(request.body());
        assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(SCHEMA);
    }

    @Test
    void lookupPostsToTheSubjectAndItsAnswerAlsoServesSchemaById() {
        server.on(
                "POST /subjects/login-events-value",
                Reply.ok(
                        "{\"subject\": \"login-events-value\", \"id\": 3, \"version\": 1, \"schema\": \"\\\"string\\\"\"}"));
        RestSchemaRegistryClient client = client();

        assertThat(client.lookup(SUBJECT, SCHEMA)).isEqualTo(3);
        assertThat(client.lookup(SUBJECT, SCHEMA)).isEqualTo(3);
        assertThat(client.schemaById(3)).isEqualTo(SCHEMA);

        assertThat(server.requests).hasSize(1);
    }

    @Test
    void schemaByIdIsFetchedOnceAndCachedForever() {
        server.on("GET /schemas/ids/5", Reply.ok(schemaReply(SCHEMA)));
        RestSchemaRegistryClient client = client();

        assertThat(client.schemaById(5)).isEqualTo(SCHEMA);
        assertThat(client.schemaById(5)).isEqualTo(SCHEMA);

        assertThat(server.requests).hasSize(1);
    }

    @Test
    void negativeSchemaIdIsNotFoundWithoutARequest() {
        assertThatThrownBy(() -> client().schemaById(-7))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThat(server.requests).isEmpty();
    }

    @Test
    void schemaIdOfANonAvroSchemaIsAnInvalidSchema() {
        server.on(
                "GET /schemas/ids/6",
                Reply.ok("{\"schema\": \"syntax = \\\"proto3\\\";\", \"schemaType\": \"PROTOBUF\"}"));

        assertThatThrownBy(() -> client().schemaById(6))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_SCHEMA))
                .hasMessageContaining("PROTOBUF");
    }

    @Test
    void compatibilityCheckPostsToTheLatestVersionAndReturnsTheVerdict() throws IOException {
        server.on(
                "POST /compatibility/subjects/login-events-value/versions/latest",
                Reply.ok("{\"is_compatible\": true}"),
                Reply.ok("{\"is_compatible\": false}"));
        RestSchemaRegistryClient client = client();

        assertThat(client.isCompatible(SUBJECT, SCHEMA)).isTrue();
        assertThat(client.isCompatible(SUBJECT, SCHEMA)).isFalse();
        assertThat(server.requests).hasSize(2); // verdicts are never cached
        assertThat(new Schema.Parser()
                        .parse(JSON.readTree(server.requests.get(0).body())
                                .get("schema")
                                .asText()))
                .isEqualTo(SCHEMA);
    }

    @ParameterizedTest
    @MethodSource("subjectWithoutVersions")
    void compatibilityWithASubjectThatHasNoVersionsIsTrue(Reply reply) {
        server.on("POST /compatibility/subjects/login-events-value/versions/latest", reply);

        assertThat(client().isCompatible(SUBJECT, SCHEMA)).isTrue();
    }

    static Stream<Reply> subjectWithoutVersions() {
        return Stream.of(Reply.error(404, 40401, "Subject not found"), Reply.error(404, 40402, "Version not found"));
    }

    @Test
    void latestVersionCarriesIdVersionAndSchema() {
        server.on(
                "GET /subjects/login-events-value/versions/latest",
                Reply.ok(JSON.createObjectNode()
                        .put("subject", SUBJECT)
                        .put("id", 12)
                        .put("version", 3)
                        .put("schema", SCHEMA.toString())
                        .toString()));

        assertThat(client().latest(SUBJECT)).contains(new RegisteredSchema(12, 3, SCHEMA));
    }

    @ParameterizedTest
    @MethodSource("subjectWithoutVersions")
    void latestVersionOfASubjectWithoutVersionsIsEmpty(Reply reply) {
        server.on("GET /subjects/login-events-value/versions/latest", reply);

        assertThat(client().latest(SUBJECT)).isEmpty();
    }

    @Test
    void latestVersionAnsweredByABare404IsAnErrorNotAnEmptySubject() {
        server.on("GET /subjects/login-events-value/versions/latest", Reply.text(404, "Not Found"));

        assertThatThrownBy(() -> client().latest(SUBJECT))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(404));
    }

    @Test
    void subjectsAreListed() {
        server.on("GET /subjects", Reply.ok("[\"login-events-value\", \"token-last-seen-value\"]"));

        assertThat(client().subjects()).containsExactly("login-events-value", "token-last-seen-value");
    }

    @Test
    void compatibilityCheckAnsweredByABare404IsAnErrorNotAVerdict() {
        // A proxy or a wrong path prefix must not make every schema look compatible.
        server.on("POST /compatibility/subjects/login-events-value/versions/latest", Reply.text(404, "Not Found"));

        assertThatThrownBy(() -> client().isCompatible(SUBJECT, SCHEMA))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(404));
    }

    @Test
    void subjectCompatibilityLevelIsReadWhenSet() {
        server.on("GET /config/login-events-value", Reply.ok("{\"compatibilityLevel\": \"FULL_TRANSITIVE\"}"));

        assertThat(client().compatibility(SUBJECT)).isEqualTo("FULL_TRANSITIVE");
        assertThat(server.requests).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("subjectWithoutLevel")
    void compatibilityLevelFallsBackToTheGlobalLevelWhenTheSubjectHasNone(Reply subjectReply) {
        server.on("GET /config/login-events-value", subjectReply)
                .on("GET /config", Reply.ok("{\"compatibilityLevel\": \"FORWARD\"}"));

        assertThat(client().compatibility(SUBJECT)).isEqualTo("FORWARD");
        assertThat(server.requestsTo("GET /config")).hasSize(1);
    }

    static Stream<Reply> subjectWithoutLevel() {
        return Stream.of(
                Reply.error(
                        404,
                        40408,
                        "Subject 'login-events-value' does not have subject-level compatibility configured"),
                Reply.error(404, 40401, "Subject not found"), // older Confluent, Apicurio ccompat
                Reply.text(404, "<html>Not Found</html>"), // no registry error body at all
                Reply.ok("{\"normalize\": false}")); // subject config without a level
    }

    @Test
    void setCompatibilityPutsTheLevel() throws IOException {
        server.on("PUT /config/login-events-value", Reply.ok("{\"compatibility\": \"FULL\"}"));

        client().setCompatibility(SUBJECT, "full");

        TestRegistryServer.Request put = server.requests.get(0);
        assertThat(JSON.readTree(put.body()).get("compatibility").asText()).isEqualTo("FULL");
        assertThat(put.header("Content-Type")).isEqualTo(RegistryTransport.CONTENT_TYPE);
    }

    @Test
    void basePathPrefixIsKeptAndATrailingSlashIgnored() {
        server.on("POST /apis/ccompat/v7/subjects/login-events-value/versions", Reply.ok("{\"id\": 1}"));
        RegistrySettings prefixed =
                settings().baseUrl(server.baseUrl() + "/apis/ccompat/v7/").build();

        assertThat(client(prefixed).register(SUBJECT, SCHEMA)).isEqualTo(1);
        assertThat(prefixed.baseUrl().toString()).endsWith("/apis/ccompat/v7");
    }

    @Test
    void subjectIsPercentEncodedAsASinglePathSegment() {
        server.on("POST /subjects/a%20b%2Fc%3Fd%25e%2B%C3%A9-value/versions", Reply.ok("{\"id\": 2}"));

        assertThat(client().register("a b/c?d%e+é-value", SCHEMA)).isEqualTo(2);
        assertThat(RestSchemaRegistryClient.pathSegment("..")).isEqualTo("%2E%2E");
        assertThat(RestSchemaRegistryClient.pathSegment("v1.value_x~y")).isEqualTo("v1.value_x~y");
    }

    @Test
    void serdesOverTheRestClientAskTheRegistryOncePerSchema() {
        server.on("POST /subjects/login-events-value/versions", Reply.ok("{\"id\": 11}"))
                .on("GET /schemas/ids/11", Reply.ok(schemaReply(SCHEMA)))
                .on("GET /schemas/ids/12", Reply.error(404, 40403, "Schema 12 not found"));
        SpecificAvroSerializer<LoginEvent> serializer = new SpecificAvroSerializer<>(client(), LoginEvent.class, true);
        SpecificAvroDeserializer<LoginEvent> deserializer = new SpecificAvroDeserializer<>(client(), LoginEvent.class);
        LoginEvent event = LoginEvent.newBuilder()
                .setEventId("e")
                .setOccurredAt(Instant.ofEpochMilli(5))
                .setAccountId("a")
                .setCredentialType(CredentialType.API_TOKEN)
                .setOutcome(AuthOutcome.FAILURE)
                .build();

        for (int i = 0; i < 3; i++) {
            assertThat(deserializer.deserialize("login-events", serializer.serialize("login-events", event)))
                    .isEqualTo(event);
        }
        byte[] unknownId = serializer.serialize("login-events", event);
        unknownId[4] = 12;

        assertThatThrownBy(() -> deserializer.deserialize("login-events", unknownId))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(WireFormatException.Kind.UNKNOWN_SCHEMA_ID));
        assertThat(server.requests).hasSize(3);
    }

    // ------------------------------------------------------------ errors and retries

    @Test
    void notFoundCarriesTheRegistrysErrorCodeAndMessageAndIsNotRetried() {
        server.on("GET /schemas/ids/9", Reply.error(404, 40403, "Schema 9 not found"));

        assertThatThrownBy(() -> client().schemaById(9))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40403);
                    assertThat(e.isNotFound()).isTrue();
                })
                .hasMessageContaining("Schema 9 not found")
                .hasMessageContaining("GET " + server.baseUrl() + "/schemas/ids/9");
        assertThat(server.requests).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void incompatibleRegistrationIsA409WithTheRegistrysCode() {
        server.on(
                "POST /subjects/login-events-value/versions",
                Reply.error(409, 409, "Schema being registered is incompatible with an earlier schema"));

        assertThatThrownBy(() -> client().register(SUBJECT, SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                })
                .hasMessageContaining("incompatible");
    }

    @Test
    void nonJsonErrorBodyIsToleratedAndTheStatusStandsInForTheErrorCode() {
        server.on("GET /schemas/ids/4", Reply.text(400, "<html><body>Bad\r\nRequest</body></html>"));

        assertThatThrownBy(() -> client().schemaById(4))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo(400);
                })
                .hasMessageContaining("Bad\\r\\nRequest") // escaped: the message stays one line
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("\r");
    }

    @Test
    void redirectIsNotFollowed() {
        server.on("GET /schemas/ids/4", Reply.text(307, "").withHeader("Location", "http://elsewhere.invalid/"));

        assertThatThrownBy(() -> client().schemaById(4))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(307));
        assertThat(server.requests).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("unusableSuccessBodies")
    void successWithAnUnusableBodyIsAnInvalidResponse(String body) {
        server.on("POST /subjects/login-events-value/versions", Reply.text(200, body));

        assertThatThrownBy(() -> client().register(SUBJECT, SCHEMA))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_RESPONSE));
    }

    static Stream<String> unusableSuccessBodies() {
        return Stream.of(
                "", "<html>welcome</html>", "[1]", "{}", "{\"id\": \"seven\"}", "{\"id\": -1}", "{\"id\": 1e40}");
    }

    @Test
    void responseBodyLargerThanTheLimitIsAnInvalidResponse() {
        server.on(
                "GET /schemas/ids/8",
                Reply.ok("{\"schema\": \"" + "x".repeat(RegistryTransport.MAX_RESPONSE_BYTES) + "\"}"));

        assertThatThrownBy(() -> client().schemaById(8))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_RESPONSE));
    }

    @Test
    void serverErrorsAreRetriedWithGrowingJitteredBackoffUntilSuccess() {
        server.on(
                "POST /subjects/login-events-value/versions",
                Reply.error(503, 50003, "unavailable"),
                Reply.text(500, "oops"),
                Reply.error(502, 50002, "bad gateway"),
                Reply.ok("{\"id\": 1}"));

        assertThat(client().register(SUBJECT, SCHEMA)).isEqualTo(1);

        assertThat(server.requests).hasSize(4);
        assertThat(sleeps).hasSize(3);
        // initialBackoff 10ms doubling: each delay lies in [ceiling/2, ceiling] for ceilings 10, 20, 40 ms.
        for (int retry = 0; retry < 3; retry++) {
            long ceiling = 10L << retry;
            assertThat(sleeps.get(retry)).isBetween(Duration.ofMillis(ceiling / 2), Duration.ofMillis(ceiling));
        }
    }

    @Test
    void tooManyRequestsIsRetriedAfterTheRegistrysRetryAfterCappedAtMaxBackoff() {
        server.on(
                "GET /schemas/ids/5",
                Reply.error(429, 42900, "slow down").withHeader("Retry-After", "1"),
                Reply.ok(schemaReply(SCHEMA)));

        assertThat(client(settings().maxBackoff(Duration.ofMillis(500)).build()).schemaById(5))
                .isEqualTo(SCHEMA);

        assertThat(sleeps).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void serverErrorsAfterTheLastRetryAreRegistryUnavailableNamingThePath() {
        server.on("GET /schemas/ids/5", Reply.error(503, 50003, "unavailable"));

        assertThatThrownBy(() -> client(settings().maxRetries(2).build()).schemaById(5))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("GET " + server.baseUrl() + "/schemas/ids/5")
                .hasMessageContaining("3 attempt(s)")
                .hasMessageContaining("HTTP 503");
        assertThat(server.requests).hasSize(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void refusedConnectionIsRegistryUnavailableAfterTheRetries() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RegistrySettings settings = settings()
                .baseUrl("http://127.0.0.1:" + closedPort + "/prefix")
                .maxRetries(4)
                .build();

        assertThatThrownBy(() -> client(settings).register(SUBJECT, SCHEMA))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("/prefix/subjects/login-events-value/versions")
                .hasMessageContaining("5 attempt(s)")
                .hasCauseInstanceOf(ConnectException.class);
        assertThat(sleeps).hasSize(4);
    }

    @Test
    void answerThatNeverCompletesTimesOutAndIsRetried() {
        server.on("GET /schemas/ids/5", Reply.hang());
        RegistrySettings settings =
                settings().readTimeout(Duration.ofMillis(150)).maxRetries(1).build();

        assertThatThrownBy(() -> client(settings).schemaById(5))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("/schemas/ids/5")
                .hasCauseInstanceOf(HttpTimeoutException.class);
        assertThat(server.requests).hasSize(2);
    }

    // ------------------------------------------------------------ authentication and secrecy

    @Test
    void basicAuthSendsTheUserAndPassword() {
        server.on("GET /schemas/ids/5", Reply.ok(schemaReply(SCHEMA)));

        client(settings().basicAuth("svc-lastseen", PASSWORD).build()).schemaById(5);

        String expected =
                Base64.getEncoder().encodeToString(("svc-lastseen:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(server.requests.get(0).header("Authorization")).isEqualTo("Basic " + expected);
    }

    @Test
    void bearerAuthSendsTheToken() {
        server.on("GET /schemas/ids/5", Reply.ok(schemaReply(SCHEMA)));

        client(settings().bearerToken(TOKEN).build()).schemaById(5);

        assertThat(server.requests.get(0).header("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    static Stream<Arguments> credentials() {
        String basic =
                Base64.getEncoder().encodeToString(("svc-lastseen:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of(RegistryAuth.basic("svc-lastseen", PASSWORD), List.of(PASSWORD, basic)),
                Arguments.of(RegistryAuth.bearer(TOKEN), List.of(TOKEN)));
    }

    @ParameterizedTest
    @MethodSource("credentials")
    void credentialsNeverAppearInExceptionMessagesOrSettings(RegistryAuth auth, List<String> secrets) {
        String echoed = String.join(" ", secrets);
        server.on("GET /schemas/ids/1", Reply.error(401, 40101, "Unauthorized: bad credentials " + echoed))
                .on("GET /schemas/ids/2", Reply.text(403, "forbidden for " + echoed))
                .on("GET /schemas/ids/3", Reply.error(503, 50003, "down"));
        RegistrySettings settings = settings().auth(auth).maxRetries(1).build();
        RestSchemaRegistryClient client = client(settings);

        List<Throwable> failures = Stream.of(1, 2, 3)
                .map(id -> catchFailure(() -> client.schemaById(id)))
                .toList();

        assertThat(failures)
                .allSatisfy(failure -> assertThat(failure)
                        .isInstanceOfAny(SchemaRegistryException.class, RegistryUnavailableException.class));
        assertThat(failures.get(0)).hasMessageContaining("****");
        for (String secret : secrets) {
            assertThat(failures).allSatisfy(failure -> assertThat(failure).hasMessageNotContaining(secret));
            assertThat(settings.toString()).doesNotContain(secret);
            assertThat(auth.toString()).doesNotContain(secret);
        }
    }

    @Test
    void credentialsInTheBaseUrlAreRejectedWithoutBeingEchoed() {
        assertThatThrownBy(() -> RegistrySettings.of("http://svc:" + PASSWORD + "@registry:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseUrl")
                .hasMessageNotContaining(PASSWORD);
    }

    // ------------------------------------------------------------ settings

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("baseUrl", (UnaryOperator<RegistrySettings.Builder>) b -> b.baseUrl("ftp://registry")),
                Arguments.of("baseUrl", (UnaryOperator<RegistrySettings.Builder>) b -> b.baseUrl("not a url")),
                Arguments.of("baseUrl", (UnaryOperator<RegistrySettings.Builder>)
                        b -> b.baseUrl("http://registry:8081?x=1")),
                Arguments.of("baseUrl", (UnaryOperator<RegistrySettings.Builder>) b -> b.baseUrl("/relative")),
                Arguments.of("baseUrl", (UnaryOperator<RegistrySettings.Builder>) b -> b.baseUrl(" ")),
                Arguments.of("connectTimeout", (UnaryOperator<RegistrySettings.Builder>)
                        b -> b.connectTimeout(Duration.ZERO)),
                Arguments.of("connectTimeout", (UnaryOperator<RegistrySettings.Builder>) b -> b.connectTimeout(null)),
                Arguments.of("readTimeout", (UnaryOperator<RegistrySettings.Builder>)
                        b -> b.readTimeout(Duration.ofMillis(-1))),
                Arguments.of("readTimeout", (UnaryOperator<RegistrySettings.Builder>)
                        b -> b.readTimeout(Duration.ofHours(1))),
                Arguments.of("maxRetries", (UnaryOperator<RegistrySettings.Builder>) b -> b.maxRetries(-1)),
                Arguments.of("maxRetries", (UnaryOperator<RegistrySettings.Builder>) b -> b.maxRetries(101)),
                Arguments.of("initialBackoff", (UnaryOperator<RegistrySettings.Builder>)
                        b -> b.initialBackoff(Duration.ZERO)),
                Arguments.of("maxBackoff", (UnaryOperator<RegistrySettings.Builder>)
                        b -> b.initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1))),
                Arguments.of("auth", (UnaryOperator<RegistrySettings.Builder>) b -> b.auth(null)),
                Arguments.of(
                        "auth.username", (UnaryOperator<RegistrySettings.Builder>) b -> b.basicAuth("a:b", PASSWORD)),
                Arguments.of("auth.password", (UnaryOperator<RegistrySettings.Builder>) b -> b.basicAuth("user", "")),
                Arguments.of("auth.token", (UnaryOperator<RegistrySettings.Builder>) b -> b.bearerToken("two words")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSettings")
    void invalidSettingsAreRejectedNamingTheField(String field, UnaryOperator<RegistrySettings.Builder> change) {
        assertThatThrownBy(() -> change.apply(RegistrySettings.builder("http://registry:8081"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " ");
    }

    @Test
    void defaultSettingsAreUsableAndRoundTripThroughTheBuilder() {
        RegistrySettings defaults = RegistrySettings.of("https://registry.example:8081");

        assertThat(defaults.auth()).isEqualTo(RegistryAuth.none());
        assertThat(defaults.maxRetries()).isEqualTo(RegistrySettings.DEFAULT_MAX_RETRIES);
    }

    private static Throwable catchFailure(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }
}
