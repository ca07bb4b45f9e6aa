package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.app.LastseenServer;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.InputConfig;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.errors.DeadLetters;
import dev.lastseen.app.startup.StartupChecks;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.InputRejectReason;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageFields;
import dev.lastseen.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on the real broker and registry, interleaved with good traffic: every bad record is
 * dead-lettered with its reason and counted exactly once, every good record around it is
 * processed, and the application never stops (no thread replaced, never out of RUNNING after
 * start). Also checks the exactly-once risk of dead-letter records written by the
 * deserialization handler: a partition whose last record is bad still commits — the dead-letter
 * record becomes visible to read_committed consumers and the input offset moves past it.
 * Budget: ~40 s.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class BadInputIT {
    private static final int MAX_RECORD_BYTES = 1024;

    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    private static ApicurioRegistry apicurio;

    @BeforeAll
    static void start(ApicurioRegistry registry) {
        apicurio = registry;
    }

    @SuppressWarnings("ArrayRecordComponent") // a record sent once and looked up by topic and key, never compared
    private record Sent(String topic, String key, byte[] value) {}

    @Test
    void everyBadRecordIsDeadLetteredAndCountedOnceWhileEveryGoodRecordAroundItIsProcessed() throws Exception {
        TopicNames topics = ItKafka.topics("bi-");
        KAFKA.createTopics(topics, ItKafka.PARTITIONS);
        RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());
        Map<String, Object> cfg = ItKafka.appConfig(
                KAFKA.bootstrapServers(), apicurio.url(), topics, "bi-app", ItPaths.workDir("bi-state"));
        cfg.put(InputConfig.MAX_RECORD_BYTES, String.valueOf(MAX_RECORD_BYTES));
        LastseenConfig config = ConfigLoader.fromMap(cfg);
        int partitions = StartupChecks.run(config, registry, Duration.ofSeconds(30));

        SpecificAvroSerializer<LoginEvent> loginSer = new SpecificAvroSerializer<>(registry, LoginEvent.class, true);
        SpecificAvroSerializer<ServiceToken> tokenSer =
                new SpecificAvroSerializer<>(registry, ServiceToken.class, true);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);
        List<Sent> sends = new ArrayList<>();
        Map<InputRejectReason, Integer> expected = new EnumMap<>(InputRejectReason.class);
        Map<String, Integer> goodPerToken = new HashMap<>();
        int[] seq = {0};
        // One account per bad case: a good login before and after it, on the same partition.
        java.util.function.BiConsumer<String, byte[]> badLogin = (account, bytes) -> {
            good(sends, goodPerToken, loginSer, topics, account, t0.plusSeconds(seq[0]++));
            sends.add(new Sent(topics.loginEvents(), account, bytes));
            good(sends, goodPerToken, loginSer, topics, account, t0.plusSeconds(seq[0]++));
        };
        byte[] valid = loginSer.serialize(
                topics.loginEvents(), TestRecords.login("x", "acct-x", "tok-x", t0, AuthOutcome.SUCCESS));

        badLogin.accept("acct-garbage", "this is not avro at all".getBytes(StandardCharsets.UTF_8));
        expected.merge(InputRejectReason.BAD_MAGIC_BYTE, 1, Integer::sum);
        byte[] wrongMagic = valid.clone();
        wrongMagic[0] = 1;
        badLogin.accept("acct-magic", wrongMagic);
        expected.merge(InputRejectReason.BAD_MAGIC_BYTE, 1, Integer::sum);
        byte[] unknownId = valid.clone();
        unknownId[1] = 0x3f; // schema id 0x3f0000xx: never issued
        unknownId[2] = 0;
        badLogin.accept("acct-unknown", unknownId);
        expected.merge(InputRejectReason.UNKNOWN_SCHEMA, 1, Integer::sum);
        badLogin.accept("acct-truncated", Arrays.copyOf(valid, valid.length - 6));
        expected.merge(InputRejectReason.TRUNCATED, 1, Integer::sum);
        badLogin.accept("acct-header", Arrays.copyOf(valid, 3));
        expected.merge(InputRejectReason.TRUNCATED, 1, Integer::sum);
        LoginEvent huge = TestRecords.login("big", "acct-big", "tok-big", t0, AuthOutcome.FAILURE);
        huge.setFailureReason("r".repeat(2 * MAX_RECORD_BYTES));
        badLogin.accept("acct-big", loginSer.serialize(topics.loginEvents(), huge));
        expected.merge(InputRejectReason.TOO_LARGE, 1, Integer::sum);
        LoginEvent longColo = TestRecords.login("colo", "acct-colo", "tok-colo", t0, AuthOutcome.SUCCESS);
        longColo.setColo("c".repeat(65));
        badLogin.accept("acct-colo", loginSer.serialize(topics.loginEvents(), longColo));
        expected.merge(InputRejectReason.FIELD_TOO_LONG, 1, Integer::sum);
        badLogin.accept(
                "acct-future",
                loginSer.serialize(
                        topics.loginEvents(),
                        TestRecords.login(
                                "fut",
                                "acct-future",
                                "tok-acct-future",
                                Instant.now().plus(Duration.ofDays(1)),
                                AuthOutcome.SUCCESS)));
        expected.merge(InputRejectReason.FUTURE_TIMESTAMP, 1, Integer::sum);
        badLogin.accept("acct-null", null);
        expected.merge(InputRejectReason.NULL_VALUE, 1, Integer::sum);
        // Null keys: with an account in the value it is re-keyed and processed; without one it is rejected.
        sends.add(new Sent(
                topics.loginEvents(),
                null,
                loginSer.serialize(
                        topics.loginEvents(),
                        TestRecords.login(
                                "nk1",
                                "acct-rekey",
                                "tok-acct-rekey",
                                t0.plusSeconds(seq[0]++),
                                AuthOutcome.SUCCESS))));
        goodPerToken.merge("acct-rekey/tok-acct-rekey", 1, Integer::sum);
        sends.add(new Sent(
                topics.loginEvents(),
                null,
                loginSer.serialize(
                        topics.loginEvents(),
                        TestRecords.login("nk2", "", "tok-none", t0.plusSeconds(seq[0]++), AuthOutcome.SUCCESS))));
        expected.merge(InputRejectReason.INVALID_ID, 1, Integer::sum);

        // Registry records: a good one, then an empty and a blank secret (rejected whole; the good one stays), then a
        // good one for another token.
        String good1 = ItKafka.secret("tok-s1");
        sends.add(new Sent(
                topics.serviceTokens(),
                "tok-s1",
                tokenSer.serialize(topics.serviceTokens(), TestRecords.token("acct-s", "tok-s1", good1))));
        for (String bad : new String[] {"", "   "}) {
            ServiceToken edit = TestRecords.token("acct-s", "tok-s1", bad);
            edit.setName("overwritten by a bad record");
            sends.add(new Sent(topics.serviceTokens(), "tok-s1", tokenSer.serialize(topics.serviceTokens(), edit)));
        }
        sends.add(new Sent(
                topics.serviceTokens(),
                "tok-s2",
                tokenSer.serialize(
                        topics.serviceTokens(), TestRecords.token("acct-s", "tok-s2", ItKafka.secret("tok-s2")))));
        expected.merge(InputRejectReason.SECRET_MISSING, 1, Integer::sum);
        expected.merge(InputRejectReason.SECRET_NOT_VISIBLE_ASCII, 1, Integer::sum);
        int expectedDlq = expected.values().stream().mapToInt(Integer::intValue).sum();

        try (LastseenServer server = LastseenServer.start(config, registry, partitions);
                KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
                        ItKafka.producerConfig(KAFKA.bootstrapServers()),
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        new ByteArraySerializer())) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> server.app().readiness().isReady());
            Set<String> threads = threadNames(server);
            for (Sent s : sends) {
                raw.send(new ProducerRecord<>(s.topic(), s.key(), s.value())).get();
            }

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreException(InvalidStateStoreException.class)
                    .untilAsserted(() -> {
                        ReadOnlyKeyValueStore<TokenKey, UsageFields> usage = store(server, StoreNames.TOKEN_USAGE);
                        for (Map.Entry<String, Integer> e : goodPerToken.entrySet()) {
                            String[] at = e.getKey().split("/");
                            UsageFields u = usage.get(new TokenKey(at[0], at[1]));
                            assertThat(u).as(e.getKey()).isNotNull();
                            assertThat(u.successCount())
                                    .as(e.getKey())
                                    .isEqualTo(e.getValue().longValue());
                        }
                        ReadOnlyKeyValueStore<TokenKey, RegistryFields> reg = store(server, StoreNames.TOKEN_REGISTRY);
                        assertThat(reg.get(new TokenKey("acct-s", "tok-s2"))).isNotNull();
                        assertThat(reg.get(new TokenKey("acct-s", "tok-s1")).name())
                                .isEqualTo("deploy bot tok-s1");
                    });
            // Bad tokens never reached the usage store.
            ReadOnlyKeyValueStore<TokenKey, UsageFields> usage = store(server, StoreNames.TOKEN_USAGE);
            assertThat(usage.get(new TokenKey("acct-big", "tok-big"))).isNull();
            assertThat(usage.get(new TokenKey("acct-colo", "tok-colo"))).isNull();

            List<ConsumerRecord<byte[], byte[]>> dlq = ItKafka.readUntil(
                    KAFKA.bootstrapServers(),
                    topics.deadLetter(),
                    Duration.ofSeconds(30),
                    r -> r.size() >= expectedDlq);
            Map<String, Long> byReason = dlq.stream()
                    .collect(Collectors.groupingBy(
                            r -> ItKafka.header(r, DeadLetters.REASON_HEADER), Collectors.counting()));
            Map<String, Long> want = expected.entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().code(), e -> (long) e.getValue()));
            assertThat(byReason).isEqualTo(want);
            for (ConsumerRecord<byte[], byte[]> r : dlq) {
                assertThat(ItKafka.header(r, DeadLetters.HEADER_TOPIC))
                        .isIn(topics.loginEvents(), topics.serviceTokens());
                assertThat(ItKafka.header(r, DeadLetters.HEADER_MESSAGE)).doesNotContain(good1);
            }
            for (InputRejectReason reason : InputRejectReason.values()) {
                assertThat(server.meters()
                                .get("lastseen.dlq.records")
                                .tag("reason", reason.code())
                                .counter()
                                .count())
                        .as(reason.code())
                        .isEqualTo(expected.getOrDefault(reason, 0).doubleValue());
            }
            assertThat(server.meters().get("lastseen.secret.rejected").counters())
                    .extracting(c -> c.count())
                    .containsOnly(0.0, 1.0)
                    .filteredOn(c -> c == 1.0)
                    .hasSize(2);
            assertThat(server.meters().scrape())
                    .contains(
                            "lastseen_dlq_records_total{reason=\"bad_magic_byte\"} 2.0",
                            "lastseen_secret_rejected_total{reason=\"secret_missing\"} 1.0",
                            "lastseen_secret_rejected_total{reason=\"secret_not_visible_ascii\"} 1.0");

            // The exactly-once risk: the very last record of a partition is bad. Its dead-letter record must
            // still commit (visible to read_committed) and the input offset must move past it.
            raw.send(new ProducerRecord<>(
                            topics.loginEvents(),
                            "acct-last",
                            loginSer.serialize(
                                    topics.loginEvents(),
                                    TestRecords.login(
                                            "last",
                                            "acct-last",
                                            "tok-last",
                                            Instant.now().plus(Duration.ofDays(2)),
                                            AuthOutcome.SUCCESS))))
                    .get();
            List<ConsumerRecord<byte[], byte[]>> after = ItKafka.readUntil(
                    KAFKA.bootstrapServers(),
                    topics.deadLetter(),
                    Duration.ofSeconds(10),
                    r -> r.size() >= expectedDlq + 1);
            assertThat(after).hasSize(expectedDlq + 1);
            assertThat(ItKafka.header(after.get(after.size() - 1), DeadLetters.REASON_HEADER))
                    .isEqualTo("future_timestamp");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(committedOffsets("bi-app", topics.loginEvents()))
                            .isEqualTo(endOffsets(topics.loginEvents())));

            assertThat(server.meters()
                            .get("lastseen.dlq.records")
                            .tag("reason", "future_timestamp")
                            .counter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(server.app().streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(threadNames(server))
                    .as("no stream thread died and was replaced")
                    .isEqualTo(threads);
        }
    }

    /**
     * A dead-letter topic that takes at most 100 KB per record, and a 500 KB login record (the input bound
     * raised to 1 MiB) that breaks a field bound: its dead letter would not fit, and under exactly-once a
     * dead letter the broker refuses aborts the transaction, so the record would be read and refused
     * forever. The dead letter is written without the value (flagged, coordinates kept) and processing
     * moves past it: the good login behind it on the same partition is processed, the input offset
     * commits past it, and no stream thread fails.
     */
    @Test
    void anOversizedBadRecordIsDeadLetteredWithoutItsValueAndProcessingMovesPastIt() throws Exception {
        TopicNames topics = ItKafka.topics("dq-");
        KAFKA.broker().createTopic(topics.deadLetter(), 1, Map.of("max.message.bytes", String.valueOf(100 * 1024)));
        KAFKA.createTopics(topics, ItKafka.PARTITIONS);
        RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());
        Map<String, Object> cfg = ItKafka.appConfig(
                KAFKA.bootstrapServers(), apicurio.url(), topics, "dq-app", ItPaths.workDir("dq-state"));
        cfg.put(InputConfig.MAX_RECORD_BYTES, String.valueOf(1024 * 1024));
        LastseenConfig config = ConfigLoader.fromMap(cfg);
        int partitions = StartupChecks.run(config, registry, Duration.ofSeconds(30));
        SpecificAvroSerializer<LoginEvent> loginSer = new SpecificAvroSerializer<>(registry, LoginEvent.class, true);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        LoginEvent huge = TestRecords.login("huge", "acct-big", "tok-big", t0, AuthOutcome.FAILURE);
        huge.setFailureReason("r".repeat(500 * 1024));
        byte[] hugeBytes = loginSer.serialize(topics.loginEvents(), huge);

        try (LastseenServer server = LastseenServer.start(config, registry, partitions);
                KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
                        ItKafka.producerConfig(KAFKA.bootstrapServers()),
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        new ByteArraySerializer())) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> server.app().readiness().isReady());
            Set<String> threads = threadNames(server);
            String account = "acct-big";
            raw.send(new ProducerRecord<>(
                            topics.loginEvents(),
                            account,
                            loginSer.serialize(
                                    topics.loginEvents(),
                                    TestRecords.login("before", account, "tok-ok", t0, AuthOutcome.SUCCESS))))
                    .get();
            var bad = raw.send(new ProducerRecord<>(topics.loginEvents(), account, hugeBytes))
                    .get();
            raw.send(new ProducerRecord<>(
                            topics.loginEvents(),
                            account,
                            loginSer.serialize(
                                    topics.loginEvents(),
                                    TestRecords.login(
                                            "after", account, "tok-ok", t0.plusSeconds(1), AuthOutcome.SUCCESS))))
                    .get();

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreException(InvalidStateStoreException.class)
                    .untilAsserted(() -> assertThat(
                                    store(server, StoreNames.TOKEN_USAGE).get(new TokenKey(account, "tok-ok")))
                            .extracting(u -> ((UsageFields) u).successCount())
                            .isEqualTo(2L));
            List<ConsumerRecord<byte[], byte[]>> dlq = ItKafka.readUntil(
                    KAFKA.bootstrapServers(), topics.deadLetter(), Duration.ofSeconds(30), r -> !r.isEmpty());
            assertThat(dlq).singleElement().satisfies(letter -> {
                assertThat(letter.value()).as("value left out").isNull();
                assertThat(letter.key()).isEqualTo(account.getBytes(StandardCharsets.UTF_8));
                assertThat(ItKafka.header(letter, DeadLetters.VALUE_DROPPED_HEADER))
                        .isEqualTo(String.valueOf(hugeBytes.length));
                assertThat(ItKafka.header(letter, DeadLetters.REASON_HEADER)).isEqualTo("field_too_long");
                assertThat(ItKafka.header(letter, DeadLetters.HEADER_TOPIC)).isEqualTo(topics.loginEvents());
                assertThat(ItKafka.header(letter, DeadLetters.HEADER_PARTITION))
                        .isEqualTo(String.valueOf(bad.partition()));
                assertThat(ItKafka.header(letter, DeadLetters.HEADER_OFFSET)).isEqualTo(String.valueOf(bad.offset()));
            });
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(committedOffsets("dq-app", topics.loginEvents()))
                            .isEqualTo(endOffsets(topics.loginEvents())));
            assertThat(server.meters().scrape())
                    .contains("lastseen_dlq_records_total{reason=\"field_too_long\"} 1.0")
                    .doesNotContainPattern("lastseen_task_failures_total\\{[^}]*} [1-9]");
            assertThat(server.app().streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(threadNames(server))
                    .as("no stream thread died and was replaced")
                    .isEqualTo(threads);
        }
    }

    private static void good(
            List<Sent> sends,
            Map<String, Integer> perToken,
            SpecificAvroSerializer<LoginEvent> ser,
            TopicNames topics,
            String account,
            Instant at) {
        String token = "tok-" + account;
        sends.add(new Sent(
                topics.loginEvents(),
                account,
                ser.serialize(
                        topics.loginEvents(),
                        TestRecords.login(
                                "e-" + account + "-" + at.toEpochMilli(), account, token, at, AuthOutcome.SUCCESS))));
        perToken.merge(account + "/" + token, 1, Integer::sum);
    }

    private static <V> ReadOnlyKeyValueStore<TokenKey, V> store(LastseenServer server, String name) {
        return server.app()
                .streams()
                .store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    }

    private static Set<String> threadNames(LastseenServer server) {
        return server.app().streams().metadataForLocalThreads().stream()
                .map(ThreadMetadata::threadName)
                .collect(Collectors.toSet());
    }

    private static Map<TopicPartition, Long> committedOffsets(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, Long> m = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    m.put(tp, o.offset());
                }
            });
            return m;
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (int p = 0; p < ItKafka.PARTITIONS; p++) {
                ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> m = new HashMap<>();
            admin.listOffsets(ask).all().get().forEach((tp, info) -> {
                if (info.offset() > 0) {
                    m.put(tp, info.offset()); // a partition nobody wrote to has no committed offset either
                }
            });
            return m;
        }
    }
}
