package dev.lastseen.app.topology;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenReadView;
import dev.lastseen.state.TokenStores;
import dev.lastseen.state.UsageFields;
import dev.lastseen.testing.TestRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** The real topology under Kafka Streams' test driver, with the in-memory registry. */
final class TopologyHarness implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private final TopologyDriver topologyDriver;
    final InMemorySchemaRegistry registry;
    final MeterRegistry meters = new SimpleMeterRegistry();
    final LastseenMetrics metrics;
    final LastseenConfig config;
    final TopologyTestDriver driver;
    final TestInputTopic<String, LoginEvent> logins;
    final TestInputTopic<String, ServiceToken> tokens;
    final TestInputTopic<byte[], byte[]> rawLogins;
    final TestInputTopic<byte[], byte[]> rawTokens;
    final TestOutputTopic<String, TokenLastSeen> patches;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    TopologyHarness() {
        this(TokenStores.persistent(), Map.of());
    }

    /** {@code settings}: configuration keys on top of the driver's defaults. */
    TopologyHarness(TokenStores stores, Map<String, ?> settings) {
        TopologyDriver.Builder builder = TopologyDriver.builder()
                .stores(stores)
                .metrics(new LastseenMetrics(meters))
                .startAt(NOW);
        settings.forEach(builder::set);
        topologyDriver = builder.build();
        registry = topologyDriver.registry();
        metrics = topologyDriver.metrics();
        config = topologyDriver.config();
        driver = topologyDriver.driver();
        StringSerializer keys = new StringSerializer();
        logins = driver.createInputTopic(
                config.topics().loginEvents(), keys, new SpecificAvroSerializer<>(registry, LoginEvent.class, true));
        tokens = driver.createInputTopic(
                config.topics().serviceTokens(),
                keys,
                new SpecificAvroSerializer<>(registry, ServiceToken.class, true));
        rawLogins = driver.createInputTopic(
                config.topics().loginEvents(), new ByteArraySerializer(), new ByteArraySerializer());
        rawTokens = driver.createInputTopic(
                config.topics().serviceTokens(), new ByteArraySerializer(), new ByteArraySerializer());
        patches = driver.createOutputTopic(
                config.topics().tokenLastSeen(),
                new StringDeserializer(),
                new SpecificAvroDeserializer<>(registry, TokenLastSeen.class));
        deadLetters = driver.createOutputTopic(
                config.topics().deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The count of one of lastseen's counters, e.g. {@code counter("lastseen.dlq.records", "reason", "too_large")}. */
    double counter(String name, String... tags) {
        return meters.get(name).tags(tags).counter().count();
    }

    KeyValueStore<TokenKey, UsageFields> usageStore() {
        return driver.getKeyValueStore(StoreNames.TOKEN_USAGE);
    }

    KeyValueStore<TokenKey, RegistryFields> registryStore() {
        return driver.getKeyValueStore(StoreNames.TOKEN_REGISTRY);
    }

    TokenReadView readView() {
        return new TokenReadView(registryStore(), usageStore());
    }

    /** The id under which the harness's ServiceToken serializer registered its schema. */
    int serviceTokenSchemaId() {
        return registry.register(config.topics().serviceTokens() + "-value", ServiceToken.getClassSchema());
    }

    /** A secret that passes the secret rule, different for every seed. */
    static String secret(String seed) {
        return dev.lastseen.app.http.QueryTestKit.secretFor("harness", seed);
    }

    /** A registry record with a valid secret of its own. */
    static ServiceToken token(String account, String token) {
        return TestRecords.token(account, token, secret(account + "/" + token));
    }

    /**
     * Every record the topology has written so far to any topic — outputs, dead letters,
     * repartition and changelog topics alike — as raw bytes (consumed: each is returned once).
     */
    List<TestRecord<byte[], byte[]>> drainEveryProducedTopic() {
        List<TestRecord<byte[], byte[]>> all = new ArrayList<>();
        for (String topic : driver.producedTopicNames()) {
            all.addAll(driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList());
        }
        return all;
    }

    @Override
    public void close() {
        topologyDriver.close();
    }
}
