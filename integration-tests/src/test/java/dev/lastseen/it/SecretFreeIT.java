package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastseen.app.audit.FileScan;
import dev.lastseen.app.audit.Finding;
import dev.lastseen.app.audit.SecretAudit;
import dev.lastseen.app.audit.SecretIndex;
import dev.lastseen.app.audit.TopicScan;
import dev.lastseen.app.cli.LastseenCommand;
import dev.lastseen.app.config.ClientConfigs;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.InputConfig;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.errors.DeadLetters;
import dev.lastseen.app.http.SecretScan;
import dev.lastseen.app.http.TestHttp;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroDeserializer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * lastseen's promise, from outside, on the real broker and the real Apicurio Registry: it never
 * holds, copies or emits a secret. An independent Confluent-protocol
 * producer (its own schemas, registered over REST, plain Avro) sends tokens with known secrets,
 * every kind of bad service-tokens record, secret edits, an account move and a delete, and login
 * traffic, through {@code lastseen run}. Afterwards every topic lastseen wrote (outputs, dead
 * letters, every changelog and repartition topic), every file under its state directory and its
 * log hold none of the secrets' bytes — while the same scan does find a canary planted in a
 * stored field in both places. Each rejected update left the previous fields in force (read
 * through the REST API), and {@code lastseen audit-secrets} agrees, and fails on a planted leak.
 * Budget: ~90 s.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class SecretFreeIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = new KraftBrokerExtension();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    private static final int PARTITIONS = ItKafka.PARTITIONS;
    private static final String APP = "sf-app";
    private static final String API_KEY = "secret-free-it-key-0123456789";
    private static final int MAX_RECORD_BYTES = 1280;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREATED = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static ApicurioRegistry apicurio;

    /** Every secret the test puts on service-tokens, to look for everywhere lastseen writes. */
    private final SecretIndex secrets = new SecretIndex();

    @BeforeAll
    static void start(ApicurioRegistry registry) {
        apicurio = registry;
    }

    /** A fresh, realistic secret (a sha256 hex hash) that the test will look for. */
    private String secret(String label) {
        String s = dev.lastseen.app.http.QueryTestKit.secretFor("secret-free-it", label + "/" + System.nanoTime());
        secrets.add(s, label);
        firstSecrets.putIfAbsent(label, s);
        return s;
    }

    /** A secret the rule rejects that still carries real secret material: each piece of it is looked for all the same. */
    private String broken(String label, String brokenForm, String... pieces) {
        for (String piece : pieces) {
            secrets.add(piece, label);
            SecretScan.registerSecret(piece);
        }
        return brokenForm;
    }

    /** One bad service-tokens record: the reason it must be dead-lettered with, its key and bytes, the schema id header expected. */
    private static final class Bad {
        private final String reason;
        private final String key;
        private final byte[] value;
        private final String schemaId;

        Bad(String reason, String key, byte[] value, String schemaId) {
            this.reason = reason;
            this.key = key;
            this.value = value;
            this.schemaId = schemaId;
        }

        String reason() {
            return reason;
        }

        String key() {
            return key;
        }

        byte[] value() {
            return value;
        }

        String schemaId() {
            return schemaId;
        }
    }

    @Test
    void lastseenHoldsNoSecretAnywhereWhateverTheServiceTokensTopicCarries() throws Exception {
        TopicNames topics = ItKafka.topics("sf-");
        KAFKA.createTopics(topics, PARTITIONS);
        String bootstrap = KAFKA.bootstrapServers();
        Path work = ItPaths.workDir("secret-free");
        Path stateDir = work.resolve("state");
        Map<String, Object> settings = ItKafka.appConfig(bootstrap, apicurio.url(), topics, APP, stateDir);
        settings.put(InputConfig.MAX_RECORD_BYTES, String.valueOf(MAX_RECORD_BYTES));
        settings.putAll(ItApiKeys.plainHttp(work, API_KEY));
        LastseenConfig config = ConfigLoader.fromMap(settings);
        long now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();

        LastseenProcess app = processes.create(APP, work, settings);
        try (IndependentProducer producer = new IndependentProducer(bootstrap, apicurio.url())) {
            int tokenSchema = producer.register(topics.serviceTokens(), IndependentProducer.SERVICE_TOKEN);
            int loginSchema = producer.register(topics.loginEvents(), IndependentProducer.LOGIN_EVENT);

            app.start();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(app::isReady);

            // ---- 1. Traffic from the independent producer: good tokens, edits, a move, a delete, and every kind of
            // bad record.
            String canary = "canary-" + Long.toHexString(System.nanoTime()) + "-in-a-stored-name";
            Map<String, String> expectedName = new HashMap<>();
            java.util.function.BiConsumer<String, GenericRecord> token =
                    (key, r) -> producer.send(topics.serviceTokens(), key, IndependentProducer.encode(tokenSchema, r));
            java.util.function.BiConsumer<String, GenericRecord> login = (account, r) ->
                    producer.send(topics.loginEvents(), account, IndependentProducer.encode(loginSchema, r));

            token.accept(
                    "tok-g1", IndependentProducer.serviceToken("tok-g1", "acct-1", "g1 v1", secret("tok-g1"), CREATED));
            expectedName.put("acct-1/tok-g1", "g1 v1");
            token.accept(
                    "tok-g2", IndependentProducer.serviceToken("tok-g2", "acct-1", "g2 v1", secret("tok-g2"), CREATED));
            token.accept(
                    "tok-g2",
                    IndependentProducer.serviceToken("tok-g2", "acct-1", "g2 v2", secret("tok-g2 edited"), CREATED));
            expectedName.put("acct-1/tok-g2", "g2 v2");
            String g3Secret = secret("tok-g3");
            token.accept("tok-g3", IndependentProducer.serviceToken("tok-g3", "acct-1", "g3", g3Secret, CREATED));
            token.accept(
                    "tok-g4", IndependentProducer.serviceToken("tok-g4", "acct-2", "g4", secret("tok-g4"), CREATED));
            token.accept(
                    "tok-canary",
                    IndependentProducer.serviceToken("tok-canary", "acct-1", canary, secret("tok-canary"), CREATED));
            for (int i = 0; i < 3; i++) {
                login.accept(
                        "acct-1",
                        IndependentProducer.login("g1-" + i, "acct-1", "tok-g1", now - 60_000 + i * 1000L, true));
            }
            login.accept("acct-1", IndependentProducer.login("g1-f", "acct-1", "tok-g1", now - 50_000, false));
            login.accept("acct-1", IndependentProducer.login("g3-a", "acct-1", "tok-g3", now - 10_000, true));
            login.accept("acct-2", IndependentProducer.login("g4-a", "acct-2", "tok-g4", now - 30_000, true));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> usage(app, "acct-1", "tok-g3") != null); // patched in acct-1 first

            List<Bad> bad = badRecords(tokenSchema);
            for (Bad b : bad) {
                producer.send(topics.serviceTokens(), b.key(), b.value());
            }
            // Moved, then seen in the new account: first an event from before the last patch, then a newer one.
            token.accept("tok-g3", IndependentProducer.serviceToken("tok-g3", "acct-2", "g3 moved", g3Secret, CREATED));
            expectedName.put("acct-2/tok-g3", "g3 moved");
            await().atMost(Duration.ofSeconds(60)).until(() -> metadata(app, "acct-2", "tok-g3") != null);
            login.accept("acct-2", IndependentProducer.login("g3-b", "acct-2", "tok-g3", now - 100_000, true));
            login.accept("acct-2", IndependentProducer.login("g3-c", "acct-2", "tok-g3", now - 5_000, true));
            producer.send(topics.serviceTokens(), "tok-g4", null); // deleted

            // ---- 2. What lastseen made of it: every bad record dead-lettered without its value, previous fields in
            // force.
            List<ConsumerRecord<byte[], byte[]>> dead = ItKafka.readUntil(
                    bootstrap, topics.deadLetter(), Duration.ofSeconds(90), r -> r.size() >= bad.size());
            assertThat(dead).hasSize(bad.size());
            Map<String, Integer> wantReasons = new TreeMap<>();
            bad.forEach(b -> wantReasons.merge(b.reason(), 1, Integer::sum));
            Map<String, Integer> gotReasons = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                gotReasons.merge(ItKafka.header(d, DeadLetters.REASON_HEADER), 1, Integer::sum);
                assertThat(d.value())
                        .as("a service-tokens dead letter carries no value bytes")
                        .isNull();
                assertThat(ItKafka.header(d, DeadLetters.VALUE_WITHHELD_HEADER)).isEqualTo("true");
                assertThat(ItKafka.header(d, DeadLetters.HEADER_TOPIC)).isEqualTo(topics.serviceTokens());
                assertThat(ItKafka.header(d, DeadLetters.HEADER_PARTITION)).matches("[0-9]+");
                assertThat(ItKafka.header(d, DeadLetters.HEADER_OFFSET)).matches("[0-9]+");
                assertThat(new String(d.key(), StandardCharsets.UTF_8)).startsWith("tok-g1");
            }
            assertThat(gotReasons).isEqualTo(wantReasons);
            for (Bad b : bad) {
                assertThat(dead).as("dead letter of a %s record", b.reason()).anySatisfy(d -> {
                    assertThat(ItKafka.header(d, DeadLetters.REASON_HEADER)).isEqualTo(b.reason());
                    assertThat(ItKafka.header(d, DeadLetters.SCHEMA_ID_HEADER)).isEqualTo(b.schemaId());
                });
            }
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        JsonNode g3 = usage(app, "acct-2", "tok-g3");
                        assertThat(g3).isNotNull();
                        assertThat(g3.get("last_seen_at").asText())
                                .isEqualTo(Instant.ofEpochMilli(now - 5_000).toString());
                        assertThat(metadata(app, "acct-2", "tok-g4"))
                                .as("deleted")
                                .isNull();
                    });
            expectedName.forEach((key, name) -> {
                String[] at = key.split("/");
                JsonNode m = metadata(app, at[0], at[1]);
                assertThat(m).as(key).isNotNull();
                assertThat(m.get("name").asText())
                        .as("rejected updates left %s's fields in force", key)
                        .isEqualTo(name);
                assertThat(m.get("client_id").asText()).isEqualTo("client-" + at[1]);
                assertThat(m.get("created_at").asText())
                        .isEqualTo(Instant.ofEpochMilli(CREATED).toString());
            });
            assertThat(metadata(app, "acct-2", "tok-g1"))
                    .as("a rejected record cannot move a token either")
                    .isNull();
            assertThat(new TestHttp()
                            .get(url(app, "acct-1", "tok-other"), API_KEY)
                            .statusCode())
                    .as("key != token_id registered nothing")
                    .isEqualTo(404);
            JsonNode movedAway = get(app, "acct-1", "tok-g3");
            assertThat(movedAway.get("token").get("metadata").isNull()).isTrue();
            assertThat(movedAway.get("token").get("usage").get("success_count").asLong())
                    .as("the old account's usage stays readable")
                    .isEqualTo(1);
            List<Instant> g3Patches = patches(topics, "tok-g3");
            assertThat(g3Patches)
                    .as("token-last-seen of the moved token never moves back")
                    .containsExactly(Instant.ofEpochMilli(now - 10_000), Instant.ofEpochMilli(now - 5_000));

            app.close(); // clean shutdown: stores flushed to their files

            // ---- 3. No secret anywhere lastseen wrote; the same scan finds the canary that lives in a stored field.
            Set<String> written = SecretAudit.topicsWritten(config, listTopics());
            assertThat(written)
                    .contains(
                            topics.tokenLastSeen(),
                            topics.deadLetter(),
                            APP + "-token-registry-changelog",
                            APP + "-token-usage-changelog",
                            APP + "-token-account-index-changelog",
                            APP + "-token-last-seen-guard-changelog",
                            APP + "-registry-by-account-repartition",
                            APP + "-token-last-seen-by-token-repartition");
            TopicScan.Result topicScan =
                    TopicScan.scan(reader(config), List.copyOf(written), secrets, Duration.ofSeconds(60));
            assertThat(topicScan.records()).isGreaterThan(30);
            assertThat(topicScan.findings())
                    .as("secrets in topics lastseen wrote")
                    .isEmpty();
            FileScan.Result fileScan = FileScan.scan(stateDir, secrets, 1100);
            assertThat(fileScan.files()).isGreaterThan(10);
            assertThat(fileScan.findings()).as("secrets in the state directory").isEmpty();
            assertThat(FileScan.scan(app.log(), secrets, 1100).findings())
                    .as("secrets in the log")
                    .isEmpty();
            SecretIndex canaries = new SecretIndex();
            canaries.add(canary, "canary");
            assertThat(TopicScan.scan(reader(config), List.copyOf(written), canaries, Duration.ofSeconds(60))
                            .findings())
                    .as("positive control: the canary is found in the registry changelog")
                    .extracting(Finding::where)
                    .anyMatch(w -> w.contains(APP + "-token-registry-changelog"));
            assertThat(FileScan.scan(stateDir, canaries, 100).findings())
                    .as("positive control: the canary is found in the RocksDB files")
                    .isNotEmpty();

            // ---- 4. The user's own check agrees, and fails when something does leak.
            // The topic carries records nobody can decode (the garbage cases above): their secrets could not be
            // looked for, so the audit says so and exits 3 instead of passing by not looking.
            String clean = lastseen(
                    3, "audit-secrets", "--config", app.configFile().toString(), "--state-dir", stateDir.toString());
            assertThat(clean)
                    .contains("INCOMPLETE: no secret found, but ")
                    .contains("could not be decoded")
                    .doesNotContain("FOUND");
            plantLeaks(topics, stateDir);
            String leaked = lastseen(
                    1, "audit-secrets", "--config", app.configFile().toString(), "--state-dir", stateDir.toString());
            assertThat(leaked)
                    .contains("FOUND secret of token tok-g1 in topic " + topics.deadLetter() + " partition 0 offset ")
                    .contains("(header planted)")
                    .contains("FOUND secret of token tok-g4 in file " + stateDir.resolve("planted.bin"))
                    .contains("FAILED: 2 occurrence(s)");
        }
    }

    /** Every kind of bad service-tokens record, each carrying secret material of its own (keyed by tok-g1, the key mismatch aside). */
    private List<Bad> badRecords(int schema) {
        String id = Integer.toString(schema);
        List<Bad> bad = new ArrayList<>();
        java.util.function.BiConsumer<String, String> badSecret = (reason, s) -> bad.add(new Bad(
                reason,
                "tok-g1",
                IndependentProducer.encode(
                        schema, IndependentProducer.serviceToken("tok-g1", "acct-2", "bad " + reason, s, CREATED)),
                id));
        String hash = "0123456789abcdef0123456789abcdef";
        badSecret.accept("secret_missing", "");
        badSecret.accept(
                "secret_too_short",
                broken("too short", "sha256:" + hash.substring(0, 8), "sha256:" + hash.substring(0, 8)));
        // Shaped like real hashes, with one character that is not visible ASCII: both halves are real secret material.
        String tooLong = secret("too long").repeat(20).substring(0, 1025);
        secrets.add(tooLong, "too long");
        badSecret.accept("secret_too_long", tooLong);
        badSecret.accept("secret_not_visible_ascii", "    ");
        for (String intruder : new String[] {" ", "\u00a0", "\u200b", "\u0007", "\u00e9", "\t"}) {
            String material = secret("intruder " + (int) intruder.charAt(0));
            badSecret.accept(
                    "secret_not_visible_ascii",
                    broken(
                            "intruder",
                            material.substring(0, 20) + intruder + material.substring(20),
                            material.substring(0, 20),
                            material.substring(20)));
        }
        String bomMaterial = secret("bom");
        badSecret.accept("secret_not_visible_ascii", "\ufeff" + bomMaterial);
        badSecret.accept("secret_placeholder", "*".repeat(16));
        badSecret.accept("secret_too_short", "REDACTED");
        bad.add(new Bad(
                "field_too_long",
                "tok-g1",
                IndependentProducer.encode(
                        schema,
                        IndependentProducer.serviceToken(
                                "tok-g1", "acct-2", "n".repeat(257), secret("long name"), CREATED)),
                id));
        bad.add(new Bad(
                "invalid_timestamp",
                "tok-g1",
                IndependentProducer.encode(
                        schema,
                        IndependentProducer.serviceToken(
                                "tok-g1", "acct-2", "bad created_at", secret("bad created_at"), 0)),
                id));
        bad.add(new Bad(
                "key_mismatch",
                "tok-g1",
                IndependentProducer.encode(
                        schema,
                        IndependentProducer.serviceToken(
                                "tok-other", "acct-1", "keyed wrongly", secret("key mismatch"), CREATED)),
                id));
        String big = secret("too large");
        bad.add(new Bad(
                "too_large",
                "tok-g1",
                IndependentProducer.encode(
                        schema,
                        IndependentProducer.serviceToken(
                                "tok-g1",
                                "acct-2",
                                "x".repeat(250),
                                (big + big.toUpperCase(java.util.Locale.ROOT))
                                        .repeat(20)
                                        .substring(0, 1000),
                                CREATED)),
                id));
        byte[] valid = IndependentProducer.encode(
                schema, IndependentProducer.serviceToken("tok-g1", "acct-2", "trailing", secret("trailing"), CREATED));
        byte[] trailer = secret("trailer").getBytes(StandardCharsets.UTF_8);
        bad.add(new Bad(
                "malformed_avro",
                "tok-g1",
                ByteBuffer.allocate(valid.length + trailer.length)
                        .put(valid)
                        .put(trailer)
                        .array(),
                id));
        byte[] unknownId = IndependentProducer.encode(
                999_999,
                IndependentProducer.serviceToken("tok-g1", "acct-2", "unknown id", secret("unknown id"), CREATED));
        bad.add(new Bad("unknown_schema", "tok-g1", unknownId, "999999"));
        bad.add(new Bad(
                "bad_magic_byte",
                "tok-g1",
                ("not avro: " + secret("not avro")).getBytes(StandardCharsets.UTF_8),
                null));
        return bad;
    }

    private void plantLeaks(TopicNames topics, Path stateDir) throws Exception {
        String g1 = firstSecretOf("tok-g1");
        RecordHeaders headers = new RecordHeaders();
        headers.add("planted", g1.getBytes(StandardCharsets.UTF_8));
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                ItKafka.producerConfig(KAFKA.bootstrapServers()),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topics.deadLetter(), 0, null, "k".getBytes(StandardCharsets.UTF_8), null, headers))
                    .get();
        }
        Files.write(
                stateDir.resolve("planted.bin"),
                ("some bytes before " + firstSecretOf("tok-g4") + " and after").getBytes(StandardCharsets.UTF_8));
    }

    private final Map<String, String> firstSecrets = new HashMap<>();

    private String firstSecretOf(String tokenId) {
        return firstSecrets.get(tokenId);
    }

    private String lastseen(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LastseenCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        assertThat(exit)
                .as("lastseen %s exit code; out: %s err: %s", String.join(" ", args), out, err)
                .isEqualTo(expectedExit);
        return out + err.toString();
    }

    private static Map<String, Object> reader(LastseenConfig config) {
        return ClientConfigs.reader(config, "read_uncommitted");
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }

    private static Set<String> listTopics() throws Exception {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get();
        }
    }

    private static String url(LastseenProcess app, String account, String token) {
        return "http://127.0.0.1:" + app.httpPort() + "/v1/accounts/" + account + "/tokens/" + token;
    }

    private static JsonNode get(LastseenProcess app, String account, String token) {
        HttpResponse<String> r = new TestHttp().get(url(app, account, token), API_KEY);
        if (r.statusCode() == 404) {
            return null;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode metadata(LastseenProcess app, String account, String token) {
        JsonNode t = get(app, account, token);
        return t == null || t.get("token").get("metadata").isNull()
                ? null
                : t.get("token").get("metadata");
    }

    private static JsonNode usage(LastseenProcess app, String account, String token) {
        JsonNode t = get(app, account, token);
        return t == null || t.get("token").get("usage").isNull()
                ? null
                : t.get("token").get("usage");
    }

    private static List<Instant> patches(TopicNames topics, String tokenId) {
        SpecificAvroDeserializer<TokenLastSeen> decoder =
                new SpecificAvroDeserializer<>(RestSchemaRegistryClient.create(apicurio.url()), TokenLastSeen.class);
        List<Instant> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                ItKafka.readAll(KAFKA.bootstrapServers(), topics.tokenLastSeen(), Duration.ofSeconds(30))) {
            TokenLastSeen p = decoder.deserialize(r.topic(), r.value());
            if (p.getTokenId().equals(tokenId)) {
                out.add(p.getLastSeenAt());
            }
        }
        return out;
    }
}
