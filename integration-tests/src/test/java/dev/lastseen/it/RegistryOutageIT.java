package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.app.LastseenServer;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.startup.StartupChecks;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageFields;
import dev.lastseen.testing.TestRecords;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * The registry goes away: at start-up it is waited for; mid-run, records whose schema id the
 * application has not seen yet fail the task (they are not dead-lettered), the stream thread is
 * replaced, and once the registry is back every record is processed — none skipped.
 * The registry sits behind a {@link SwitchableProxy} so it keeps its schemas while "gone".
 * Budget: ~60 s.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class RegistryOutageIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    private static ApicurioRegistry apicurio;

    @BeforeAll
    static void start(ApicurioRegistry registry) {
        apicurio = registry;
    }

    @Test
    void startUpWaitsForTheRegistryAndAMidRunOutageSkipsNoRecordWithANewSchemaId() throws Exception {
        TopicNames topics = ItKafka.topics("ro-");
        KAFKA.createTopics(topics, ItKafka.PARTITIONS);
        RestSchemaRegistryClient direct = RestSchemaRegistryClient.create(apicurio.url());
        try (SwitchableProxy proxy = new SwitchableProxy(apicurio.port())) {
            String viaProxy = "http://127.0.0.1:" + proxy.port() + "/apis/ccompat/v7";
            LastseenConfig config = ConfigLoader.fromMap(ItKafka.appConfig(
                    KAFKA.bootstrapServers(), viaProxy, topics, "ro-app", ItPaths.workDir("ro-state")));
            AtomicInteger unavailable = new AtomicInteger();
            SchemaRegistryClient appRegistry =
                    countingUnavailable(RestSchemaRegistryClient.create(viaProxy), unavailable);

            // Start-up with the registry away: waited for (with backoff), not a crash. Once a call has found the
            // registry unavailable (after the client's own retries), the checks must still be waiting.
            CompletableFuture<Integer> checks =
                    CompletableFuture.supplyAsync(() -> StartupChecks.run(config, appRegistry, Duration.ofSeconds(90)));
            await().atMost(Duration.ofSeconds(30)).until(() -> unavailable.get() >= 1);
            assertThat(checks)
                    .as("start-up checks after the registry was found unavailable")
                    .isNotDone();
            proxy.on();
            int partitions = checks.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(partitions).isEqualTo(ItKafka.PARTITIONS);

            Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(120);
            Schema newer = RealRegistryIT.withExtraOptionalField(LoginEvent.getClassSchema());
            try (LastseenServer server = LastseenServer.start(config, appRegistry, partitions);
                    KafkaProducer<String, LoginEvent> v1 = new KafkaProducer<>(
                            ItKafka.producerConfig(KAFKA.bootstrapServers()),
                            new StringSerializer(),
                            new SpecificAvroSerializer<>(direct, LoginEvent.class, true));
                    KafkaProducer<String, LoginEvent> v2 = new KafkaProducer<>(
                            ItKafka.producerConfig(KAFKA.bootstrapServers()),
                            new StringSerializer(),
                            new SpecificAvroSerializer<>(direct, newer, LoginEvent.class, true))) {
                for (int i = 0; i < 10; i++) {
                    v1.send(new ProducerRecord<>(
                                    topics.loginEvents(),
                                    "acct-1",
                                    TestRecords.login(
                                            "a" + i, "acct-1", "tok-a", t0.plusSeconds(i), AuthOutcome.SUCCESS)))
                            .get();
                }
                awaitUsage(server, "acct-1", "tok-a", 10, t0.plusSeconds(9));
                Set<String> threadsBefore = threadNames(server);

                proxy.off();
                for (int i = 0; i < 20; i++) {
                    // A schema id the application has never seen: it must ask the registry, which is gone.
                    v2.send(new ProducerRecord<>(
                                    topics.loginEvents(),
                                    "acct-2",
                                    TestRecords.login(
                                            "b" + i, "acct-2", "tok-b", t0.plusSeconds(i), AuthOutcome.SUCCESS)))
                            .get();
                    v1.send(new ProducerRecord<>(
                                    topics.loginEvents(),
                                    "acct-1",
                                    TestRecords.login(
                                            "c" + i, "acct-1", "tok-a", t0.plusSeconds(20 + i), AuthOutcome.SUCCESS)))
                            .get();
                }
                // The failing task's thread is replaced (possibly more than once) while the registry is away.
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> !threadNames(server).isEmpty()
                                && !threadNames(server).equals(threadsBefore));
                double dlqDuringOutage = dlqTotal(server);
                proxy.on();

                awaitUsage(server, "acct-2", "tok-b", 20, t0.plusSeconds(19));
                awaitUsage(server, "acct-1", "tok-a", 30, t0.plusSeconds(39));
                assertThat(dlqDuringOutage).isZero();
                assertThat(dlqTotal(server)).isZero();
            }
            assertThat(ItKafka.readAll(KAFKA.bootstrapServers(), topics.deadLetter(), Duration.ofSeconds(10)))
                    .isEmpty();
        }
    }

    private static void awaitUsage(
            LastseenServer server, String account, String token, long successes, Instant lastSeen) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .ignoreException(InvalidStateStoreException.class)
                .untilAsserted(() -> {
                    ReadOnlyKeyValueStore<TokenKey, UsageFields> usage = server.app()
                            .streams()
                            .store(StoreQueryParameters.fromNameAndType(
                                    StoreNames.TOKEN_USAGE, QueryableStoreTypes.keyValueStore()));
                    UsageFields u = usage.get(new TokenKey(account, token));
                    assertThat(u).isNotNull();
                    assertThat(u.successCount()).isEqualTo(successes);
                    assertThat(u.lastSeenAt()).isEqualTo(lastSeen.toEpochMilli());
                });
    }

    /** {@code registry}, counting the calls that ended in {@link RegistryUnavailableException}. */
    private static SchemaRegistryClient countingUnavailable(SchemaRegistryClient registry, AtomicInteger count) {
        return (SchemaRegistryClient) Proxy.newProxyInstance(
                SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class},
                (proxy, method, args) -> {
                    try {
                        return method.invoke(registry, args);
                    } catch (InvocationTargetException e) {
                        if (e.getCause() instanceof RegistryUnavailableException) {
                            count.incrementAndGet();
                        }
                        throw e.getCause();
                    }
                });
    }

    private static Set<String> threadNames(LastseenServer server) {
        return server.app().streams().metadataForLocalThreads().stream()
                .map(ThreadMetadata::threadName)
                .collect(Collectors.toSet());
    }

    private static double dlqTotal(LastseenServer server) {
        return server.meters().find("lastseen.dlq.records").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
