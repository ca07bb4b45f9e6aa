package dev.lastseen.it;

import dev.lastseen.app.config.HttpServerConfig;
import dev.lastseen.app.config.InputConfig;
import dev.lastseen.app.config.KafkaStreamsConfig;
import dev.lastseen.app.config.TopicsConfig;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.kafka.SingleBrokerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Shared pieces of the integration tests: topics, configuration, and reading a topic to its end. */
public final class ItKafka {
    public static final int PARTITIONS = 3;

    private ItKafka() {}

    /** The default topic names, each with {@code prefix} in front: one test's own topics on a shared broker. */
    public static TopicNames topics(String prefix) {
        TopicNames d = TopicNames.DEFAULTS;
        return new TopicNames(
                prefix + d.loginEvents(),
                prefix + d.serviceTokens(),
                prefix + d.tokenLastSeen(),
                prefix + d.authFailureAlerts(),
                prefix + d.deadLetter());
    }

    /** Configuration of one instance, as a properties map (also written to files for `lastseen run`). */
    public static Map<String, Object> appConfig(
            String bootstrap, String registryUrl, TopicNames t, String applicationId, Path stateDir) {
        Map<String, Object> c = SingleBrokerConfig.base(bootstrap, applicationId, stateDir, registryUrl);
        c.put(InputConfig.PATCH_GRANULARITY_MS, "0"); // a patch for every advance: the last patch must equal the max
        c.put(HttpServerConfig.HTTP_HOST, "127.0.0.1");
        c.put(HttpServerConfig.HTTP_PORT, "0");
        c.put(KafkaStreamsConfig.ROCKSDB_MEMORY_BYTES, String.valueOf(32L * 1024 * 1024));
        c.put(TopicsConfig.LOGIN_EVENTS, t.loginEvents());
        c.put(TopicsConfig.SERVICE_TOKENS, t.serviceTokens());
        c.put(TopicsConfig.TOKEN_LAST_SEEN, t.tokenLastSeen());
        c.put(TopicsConfig.AUTH_FAILURE_ALERTS, t.authFailureAlerts());
        c.put(TopicsConfig.DLQ, t.deadLetter());
        // A member that is gone without leaving the group (a killed process, a replaced stream thread: Kafka
        // Streams' consumers never send a leave) is noticed after the broker's minimum session, not Kafka's 45 s.
        c.put("session.timeout.ms", "6000");
        c.put("heartbeat.interval.ms", "1500");
        return c;
    }

    public static Map<String, Object> producerConfig(String bootstrap) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                120_000);
    }

    /** A secret that passes the secret rule, different for every seed. */
    public static String secret(String seed) {
        return dev.lastseen.app.http.QueryTestKit.secretFor("it", seed);
    }

    /**
     * Every record of the topic up to its end offsets at the time of the call, read with
     * {@code read_committed} (so only what committed transactions wrote), in offset order per partition.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, Duration timeout) {
        return readUntil(bootstrap, topic, timeout, records -> true);
    }

    /** Reads the topic (read_committed) until {@code done} holds for what was read at the end offsets, or the timeout. */
    public static List<ConsumerRecord<byte[], byte[]>> readUntil(
            String bootstrap, String topic, Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Map<String, Object> c = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (true) {
                Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                        && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(all::add);
                }
                if (done.test(all) || System.nanoTime() >= deadline) {
                    return all;
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
    }

    public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
