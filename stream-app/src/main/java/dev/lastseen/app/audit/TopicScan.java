package dev.lastseen.app.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics from their first to their last offset (as of the start of the scan) through a
 * consumer — so compressed batches are seen decompressed — and looks for secrets in every key,
 * value and header. Reads {@code read_uncommitted}: records of aborted transactions are still in
 * the log, and a secret there is still a secret kept.
 */
public final class TopicScan {
    private static final Duration POLL = Duration.ofMillis(500);

    private TopicScan() {}

    /** What one scan read and found. */
    public record Result(long records, List<Finding> findings) {}

    /**
     * @param consumerConfig a consumer configuration without a group (see {@code ClientConfigs.reader})
     * @param timeout        bound on the whole scan; reaching it is an error, not a clean result
     */
    public static Result scan(
            Map<String, Object> consumerConfig, List<String> topics, SecretIndex secrets, Duration timeout) {
        List<Finding> findings = new ArrayList<>();
        long records = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<TopicPartition> open = new ArrayList<>(partitions.stream()
                    .filter(tp -> consumer.position(tp) < end.get(tp))
                    .toList());
            consumer.pause(partitions.stream().filter(tp -> !open.contains(tp)).toList());
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("scan of " + topics + " did not reach the end offsets within "
                            + timeout + "; still open: " + open);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    records++;
                    check(r, secrets, findings);
                }
                // A partition is done when its position reached the end offset taken at the start (control records
                // count).
                open.removeIf(tp -> {
                    boolean done = consumer.position(tp) >= end.get(tp);
                    if (done) {
                        consumer.pause(List.of(tp));
                    }
                    return done;
                });
            }
        }
        return new Result(records, findings);
    }

    private static void check(ConsumerRecord<byte[], byte[]> r, SecretIndex secrets, List<Finding> findings) {
        SecretIndex.Match m = secrets.find(r.key());
        if (m != null) {
            findings.add(Finding.inRecord(r.topic(), r.partition(), r.offset(), "key", m.label()));
        }
        m = secrets.find(r.value());
        if (m != null) {
            findings.add(Finding.inRecord(r.topic(), r.partition(), r.offset(), "value", m.label()));
        }
        for (Header h : r.headers()) {
            m = secrets.find(h.value());
            if (m != null) {
                findings.add(Finding.inRecord(r.topic(), r.partition(), r.offset(), "header " + h.key(), m.label()));
            }
        }
    }
}
