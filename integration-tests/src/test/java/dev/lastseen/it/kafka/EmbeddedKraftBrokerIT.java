package dev.lastseen.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.lastseen.devtools.kafka.EmbeddedKraftBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Starts a real KRaft broker in this JVM; transactional produce/consume; restart on the same data dir. */
class EmbeddedKraftBrokerIT {

    @TempDir
    Path dataDir;

    @BeforeAll
    static void quietKafkaLogsUnlessConfigured() {
        // Without a logback(-test).xml logback logs everything at DEBUG; the broker is very chatty.
        ClassLoader cl = EmbeddedKraftBrokerIT.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") == null
                && cl.getResource("logback-test.xml") == null
                && cl.getResource("logback.xml") == null
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            ctx.getLogger("dev.lastseen").setLevel(Level.INFO);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void transactionalRoundTripAndRestart() throws Exception {
        String topic = "it-topic";
        String bootstrap;
        try (EmbeddedKraftBroker broker = EmbeddedKraftBroker.start(dataDir, 0)) {
            bootstrap = broker.bootstrapServers();
            assertThat(bootstrap).startsWith("127.0.0.1:").doesNotEndWith(":0");

            broker.createTopic(topic, 3, Map.of("cleanup.policy", "compact"));
            broker.createTopic(topic, 3, Map.of("cleanup.policy", "compact")); // idempotent

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicDescription d = admin.describeTopics(Set.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic);
                assertThat(d.partitions()).hasSize(3);
                ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                assertThat(admin.describeConfigs(Set.of(res))
                                .all()
                                .get()
                                .get(res)
                                .get("cleanup.policy")
                                .value())
                        .isEqualTo("compact");
            }

            try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "acct-1", "aborted"));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "acct-1", "committed"));
                producer.commitTransaction();
            }

            assertThat(readCommitted(bootstrap, topic, 1)).containsExactly("acct-1=committed");
        }

        // Same data dir again: already formatted, topic and data kept.
        try (EmbeddedKraftBroker again = EmbeddedKraftBroker.start(dataDir, 0)) {
            again.createTopic(topic, 3, Map.of());
            assertThat(readCommitted(again.bootstrapServers(), topic, 1)).containsExactly("acct-1=committed");
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "it-tx",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new StringSerializer());
    }

    private static List<String> readCommitted(String bootstrap, String topic, int expected) {
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "it-group-" + System.nanoTime(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
            // One more short poll: nothing else (the aborted record) may show up.
            consumer.poll(Duration.ofMillis(300)).forEach(r -> seen.add(r.key() + "=" + r.value()));
        }
        return seen;
    }
}
