package dev.lastseen.app.audit;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.topology.SecretRule;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.InputRejectReason;
import dev.lastseen.serde.SpecificAvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The secrets the registry ever published, read from the service-tokens topic (every record
 * still in the log, old versions and aborted ones included) into memory only: a
 * {@link SecretIndex} of their bytes, labelled with their token ids. Besides the edge validator,
 * this is the only reader of {@code client_secret_hash}: looking for the secrets needs them.
 * Values that cannot be told apart from ordinary data are not looked for: shorter than
 * {@value SecretIndex#MIN_BYTES} bytes, or placeholders (which are not secrets).
 */
public final class RegistrySecrets {
    private static final Duration POLL = Duration.ofMillis(500);

    private RegistrySecrets() {}

    /** The index, and what was read: records, undecodable values, values not looked for. */
    public record Loaded(
            SecretIndex index, int longestBytes, long records, long undecodable, long tooShortOrPlaceholder) {}

    /**
     * Reads the service-tokens topic of a deployment; placeholders are those of its secret rule
     * ({@code lastseen.secret.*}).
     */
    public static Loaded read(
            LastseenConfig config,
            Map<String, Object> consumerConfig,
            SchemaRegistryClient registry,
            Duration timeout) {
        String topic = config.topics().serviceTokens();
        SecretRule rule = new SecretRule(config.secrets(), config.bounds().maxSecretHashLength());
        SpecificAvroDeserializer<ServiceToken> decoder = new SpecificAvroDeserializer<>(registry, ServiceToken.class);
        SecretIndex index = new SecretIndex();
        int longest = 0;
        long records = 0;
        long undecodable = 0;
        long skipped = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist or has no partitions");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "reading " + topic + " did not reach its end offsets within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    records++;
                    if (r.value() == null) {
                        continue;
                    }
                    ServiceToken token;
                    try {
                        token = decoder.deserialize(topic, r.value());
                    } catch (RuntimeException e) {
                        undecodable++;
                        continue;
                    }
                    String secret = token.getClientSecretHash();
                    InputRejectReason why = rule.violation(secret);
                    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
                    if (why == InputRejectReason.SECRET_PLACEHOLDER || bytes.length < SecretIndex.MIN_BYTES) {
                        skipped++;
                        continue;
                    }
                    if (index.add(bytes, token.getTokenId())) {
                        longest = Math.max(longest, bytes.length);
                    }
                }
            }
        }
        return new Loaded(index, longest, records, undecodable, skipped);
    }
}
