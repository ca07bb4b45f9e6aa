package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.cli.LastseenCommand;
import dev.lastseen.app.config.SecretConfig;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.registry.TestRegistryServer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code lastseen audit-secrets} cannot pass vacuously, against a real broker and a real registry: it exits 3
 * when there is no secret to look for or a record it cannot decode, 2 when the registry is unreachable or
 * refuses it, and warns about a writer-schema string field that looks like a secret and is not looked for
 * (until {@code lastseen.secret.fields} names it). Budget: ~40 s.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class AuditSecretsIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    private static ApicurioRegistry apicurio;

    @BeforeAll
    static void start(ApicurioRegistry registry) {
        apicurio = registry;
    }

    private record Run(int exit, String out) {}

    @Test
    void anEmptyServiceTokensTopicIsIncompleteNotOk() throws Exception {
        TopicNames topics = topics("ae-");

        Run run = audit(config(topics, apicurio.url(), Map.of()));

        assertThat(run.exit()).as(run.out()).isEqualTo(3);
        assertThat(run.out()).contains("INCOMPLETE: no secret to look for").doesNotContain("OK");
    }

    @Test
    void anUnreachableRegistryMeansTheAuditCouldNotRun() throws Exception {
        TopicNames topics = topics("au-");
        produceToken(topics, ServiceToken.getClassSchema(), "tok-u1");
        String nothingListens = "http://127.0.0.1:" + Loopback.freePort() + "/apis/ccompat/v7";

        Run run = audit(config(topics, nothingListens, Map.of()));

        assertThat(run.exit()).as(run.out()).isEqualTo(2);
        assertThat(run.out()).contains("FAILED: the schema registry could not be reached");
    }

    @Test
    void aRegistryThatRefusesTheCredentialsMeansTheAuditCouldNotRun() throws Exception {
        TopicNames topics = topics("ad-");
        int id = produceToken(topics, ServiceToken.getClassSchema(), "tok-d1");
        try (TestRegistryServer refusing = new TestRegistryServer()) {
            refusing.on("GET /schemas/ids/" + id, TestRegistryServer.Reply.error(401, 40101, "Unauthorized"));

            Run run = audit(config(topics, refusing.baseUrl(), Map.of()));

            assertThat(run.exit()).as(run.out()).isEqualTo(2);
            assertThat(run.out()).contains("refused lastseen (HTTP 401)");
        }
    }

    @Test
    void aRecordWhoseSchemaTheRegistryDoesNotKnowMakesTheAuditIncomplete() throws Exception {
        TopicNames topics = topics("ak-");
        produceToken(topics, ServiceToken.getClassSchema(), "tok-k1");
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                ItKafka.producerConfig(KAFKA.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // Wire format with a schema id no registry holds.
            raw.send(new ProducerRecord<>(
                            topics.serviceTokens(),
                            "tok-k2".getBytes(StandardCharsets.UTF_8),
                            new byte[] {0, 0x7f, 0, 0, 1, 2, 3}))
                    .get();
        }

        Run run = audit(config(topics, apicurio.url(), Map.of()));

        assertThat(run.exit()).as(run.out()).isEqualTo(3);
        assertThat(run.out()).contains("1 undecodable").contains("INCOMPLETE: no secret found, but 1 record(s)");
    }

    @Test
    void aSecretLookingFieldThatIsNotLookedForIsWarnedAboutUntilConfigured() throws Exception {
        TopicNames topics = topics("aw-");
        produceToken(topics, withStringField(ServiceToken.getClassSchema(), "api_key"), "tok-w1");

        Run unwatched = audit(config(topics, apicurio.url(), Map.of()));
        Run watched =
                audit(config(topics, apicurio.url(), Map.of(SecretConfig.SECRET_FIELDS, "client_secret_hash,api_key")));

        assertThat(unwatched.exit()).as(unwatched.out()).isZero();
        assertThat(unwatched.out())
                .contains("WARNING: field 'api_key' of writer schema")
                .contains("add it to lastseen.secret.fields");
        assertThat(watched.exit()).as(watched.out()).isZero();
        assertThat(watched.out()).doesNotContain("WARNING").contains("in fields client_secret_hash, api_key");
    }

    private static TopicNames topics(String prefix) {
        TopicNames topics = ItKafka.topics(prefix);
        KAFKA.createTopics(topics, ItKafka.PARTITIONS);
        return topics;
    }

    /** Writes one service-tokens record with {@code schema}; returns the schema's id. */
    private static int produceToken(TopicNames topics, Schema schema, String tokenId) throws Exception {
        RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());
        try (KafkaProducer<String, ServiceToken> producer = new KafkaProducer<>(
                ItKafka.producerConfig(KAFKA.bootstrapServers()),
                new StringSerializer(),
                new SpecificAvroSerializer<>(registry, schema, ServiceToken.class, true))) {
            producer.send(new ProducerRecord<>(
                            topics.serviceTokens(),
                            tokenId,
                            TestRecords.token("acct-1", tokenId, ItKafka.secret(tokenId))))
                    .get();
        }
        return registry.lookup(topics.serviceTokens() + "-value", schema);
    }

    private static Schema withStringField(Schema base, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        base.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), null, "unset"));
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    private static Path config(TopicNames topics, String registryUrl, Map<String, String> extra) throws IOException {
        Path dir = ItPaths.workDir("audit-" + topics.serviceTokens());
        Properties p = new Properties();
        ItKafka.appConfig(KAFKA.bootstrapServers(), registryUrl, topics, "audit-app", dir.resolve("state"))
                .forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        extra.forEach(p::setProperty);
        Path file = dir.resolve("lastseen.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        return file;
    }

    private static Run audit(Path config) {
        StringWriter out = new StringWriter();
        var cmd = LastseenCommand.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(out));
        int exit = cmd.execute("audit-secrets", "--config", config.toString(), "--timeout", "PT60S");
        return new Run(exit, out.toString());
    }
}
