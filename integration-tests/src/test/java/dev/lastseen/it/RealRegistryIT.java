package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.app.LastseenServer;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.startup.StartupChecks;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageFields;
import dev.lastseen.testing.TestRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The application against a real KRaft broker and the real Apicurio Registry (Confluent API
 * {@code /apis/ccompat/v7}), every registry call through {@link RestSchemaRegistryClient}.
 * Budget: ~40 s (plus the shared registry's start when this class runs first).
 */
@ExtendWith(ApicurioRegistryExtension.class)
class RealRegistryIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    private static ApicurioRegistry apicurio;

    @BeforeAll
    static void start(ApicurioRegistry registry) {
        apicurio = registry;
    }

    @Test
    void avroThroughTheRegistryIsProcessedQueryableAndPublishedIncludingANewerProducerSchema() throws Exception {
        TopicNames topics = ItKafka.topics("rr-");
        KAFKA.createTopics(topics, ItKafka.PARTITIONS);
        RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());
        LastseenConfig config = ConfigLoader.fromMap(ItKafka.appConfig(
                KAFKA.bootstrapServers(), apicurio.url(), topics, "rr-app", ItPaths.workDir("rr-state")));

        int partitions = StartupChecks.run(config, registry, Duration.ofSeconds(30));
        assertThat(partitions).isEqualTo(ItKafka.PARTITIONS);
        assertThat(registry.subjects()).contains("rr-token-last-seen-value", "rr-auth-failure-alerts-value");

        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        Schema newer = withExtraOptionalField(LoginEvent.getClassSchema());
        try (LastseenServer server = LastseenServer.start(config, registry, partitions);
                KafkaProducer<String, ServiceToken> tokens = new KafkaProducer<>(
                        ItKafka.producerConfig(KAFKA.bootstrapServers()),
                        new StringSerializer(),
                        new SpecificAvroSerializer<>(registry, ServiceToken.class, true));
                KafkaProducer<String, LoginEvent> v1 = new KafkaProducer<>(
                        ItKafka.producerConfig(KAFKA.bootstrapServers()),
                        new StringSerializer(),
                        new SpecificAvroSerializer<>(registry, LoginEvent.class, true));
                KafkaProducer<String, LoginEvent> v2 = new KafkaProducer<>(
                        ItKafka.producerConfig(KAFKA.bootstrapServers()),
                        new StringSerializer(),
                        new SpecificAvroSerializer<>(registry, newer, LoginEvent.class, true))) {
            tokens.send(new ProducerRecord<>(
                            topics.serviceTokens(),
                            "tok-a",
                            TestRecords.token("acct-1", "tok-a", ItKafka.secret("tok-a"))))
                    .get();
            for (int i = 0; i < 5; i++) {
                v1.send(new ProducerRecord<>(
                                topics.loginEvents(),
                                "acct-1",
                                TestRecords.login("a-" + i, "acct-1", "tok-a", t0.plusSeconds(i), AuthOutcome.SUCCESS)))
                        .get();
            }
            v1.send(new ProducerRecord<>(
                            topics.loginEvents(),
                            "acct-1",
                            TestRecords.login("a-f", "acct-1", "tok-a", t0.plusSeconds(9), AuthOutcome.FAILURE)))
                    .get();
            // A producer that upgraded to a schema with an extra optional field.
            for (int i = 0; i < 3; i++) {
                v2.send(new ProducerRecord<>(
                                topics.loginEvents(),
                                "acct-2",
                                TestRecords.login(
                                        "b-" + i, "acct-2", "tok-b", t0.plusSeconds(10 + i), AuthOutcome.SUCCESS)))
                        .get();
            }

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreException(org.apache.kafka.streams.errors.InvalidStateStoreException.class)
                    .untilAsserted(() -> {
                        ReadOnlyKeyValueStore<TokenKey, UsageFields> usage = server.app()
                                .streams()
                                .store(StoreQueryParameters.fromNameAndType(
                                        StoreNames.TOKEN_USAGE, QueryableStoreTypes.keyValueStore()));
                        UsageFields a = usage.get(new TokenKey("acct-1", "tok-a"));
                        UsageFields b = usage.get(new TokenKey("acct-2", "tok-b"));
                        assertThat(a).isNotNull();
                        assertThat(b).isNotNull();
                        assertThat(a.lastSeenAt()).isEqualTo(t0.plusSeconds(4).toEpochMilli());
                        assertThat(a.successCount()).isEqualTo(5);
                        assertThat(a.failureCount()).isEqualTo(1);
                        assertThat(b.lastSeenAt()).isEqualTo(t0.plusSeconds(12).toEpochMilli());
                        assertThat(b.successCount()).isEqualTo(3);
                    });

            // The output, consumed and decoded through the registry: the latest patch per token carries the max.
            // Patches pass the last-seen guard (one more repartition hop) after usage is written: wait for them
            // while the instance still runs.
            SpecificAvroDeserializer<TokenLastSeen> decoder =
                    new SpecificAvroDeserializer<>(registry, TokenLastSeen.class);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        Map<String, Instant> lastPatch = new java.util.HashMap<>();
                        for (ConsumerRecord<byte[], byte[]> r : ItKafka.readAll(
                                KAFKA.bootstrapServers(), topics.tokenLastSeen(), Duration.ofSeconds(30))) {
                            TokenLastSeen p = decoder.deserialize(r.topic(), r.value());
                            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                                    .isEqualTo(p.getTokenId());
                            lastPatch.put(p.getTokenId(), p.getLastSeenAt());
                        }
                        assertThat(lastPatch)
                                .containsEntry("tok-a", t0.plusSeconds(4))
                                .containsEntry("tok-b", t0.plusSeconds(12));
                    });
        }

        assertThat(registry.subjects())
                .contains(
                        "rr-login-events-value",
                        "rr-service-tokens-value",
                        "rr-token-last-seen-value",
                        "rr-auth-failure-alerts-value");
        assertThat(registry.latest("rr-login-events-value").orElseThrow().schema())
                .isEqualTo(newer);
        assertThat(registry.latest("rr-login-events-value").orElseThrow().version())
                .isEqualTo(2);
    }

    @Test
    void runStopsWithOneLineAndExitCode2WhenProducersUseASchemaItCannotRead() throws Exception {
        TopicNames topics = ItKafka.topics("bad-");
        KAFKA.createTopics(topics, ItKafka.PARTITIONS);
        RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());
        registry.setCompatibility(topics.loginEvents() + "-value", "NONE");
        registry.register(
                topics.loginEvents() + "-value",
                SchemaBuilder.record("LoginEvent")
                        .namespace("dev.lastseen.avro")
                        .fields()
                        .requiredString("event_id")
                        .requiredLong("occurred_at")
                        .endRecord());
        Path work = ItPaths.workDir("bad-run");
        LastseenProcess app = processes.create(
                "bad-run",
                work,
                ItKafka.appConfig(KAFKA.bootstrapServers(), apicurio.url(), topics, "bad-app", work.resolve("state")));
        app.start("--registry-wait", "PT20S");
        Integer exit = app.awaitExit(Duration.ofSeconds(90));
        String output = app.logText();
        assertThat(exit).as("lastseen run exits; its output:%n%s", output).isNotNull();
        List<String> lines =
                output.lines().filter(l -> l.startsWith("lastseen: ")).toList();

        assertThat(exit).as(output).isEqualTo(2);
        assertThat(lines)
                .as(output)
                .singleElement()
                .asString()
                .startsWith(
                        "lastseen: start-up check failed: records on topic 'bad-login-events' are written with schema id")
                .contains("account_id");
        assertThat(output).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    static Schema withExtraOptionalField(Schema base) throws IOException {
        String json = base.toString();
        String extra = "{\"name\":\"device\",\"type\":[\"null\",\"string\"],\"default\":null}";
        return new Schema.Parser().parse(json.substring(0, json.lastIndexOf(']')) + "," + extra + "]}");
    }
}
