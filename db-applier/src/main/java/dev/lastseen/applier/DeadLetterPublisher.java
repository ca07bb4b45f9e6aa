package dev.lastseen.applier;

import dev.lastseen.serde.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Sends rejected patches to the apply dead-letter topic, in the product's dead-letter format
 * (original key and value bytes, {@link DeadLetterHeaders}), and waits until the broker has
 * acknowledged every one: the batch's offsets are committed only after that, so a rejected
 * patch is never lost between the input topic and the dead-letter topic.
 */
final class DeadLetterPublisher implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Duration timeout;

    DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, Duration timeout) {
        this.producer = producer;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** A rejected input record and why. */
    record Rejection(ConsumerRecord<byte[], byte[]> record, PatchReader.Rejected why) {}

    /** Sends all and waits for their acknowledgements; a failure throws (the batch is retried, nothing committed). */
    void publish(List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(rejections.size());
        for (Rejection r : rejections) {
            sent.add(producer.send(record(r)));
        }
        producer.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new KafkaException(
                        "writing to dead-letter topic " + topic + " failed: "
                                + e.getCause().getMessage(),
                        e.getCause());
            } catch (TimeoutException e) {
                throw new KafkaException(
                        "writing to dead-letter topic " + topic + " was not acknowledged within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while writing to dead-letter topic " + topic, e);
            }
        }
    }

    ProducerRecord<byte[], byte[]> record(Rejection r) {
        Headers headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.EXCEPTION, utf8(r.why().exceptionClass()));
        headers.add(DeadLetterHeaders.MESSAGE, utf8(r.why().message()));
        headers.add(DeadLetterHeaders.TOPIC, utf8(r.record().topic()));
        headers.add(
                DeadLetterHeaders.PARTITION, utf8(Integer.toString(r.record().partition())));
        headers.add(DeadLetterHeaders.OFFSET, utf8(Long.toString(r.record().offset())));
        headers.add(DeadLetterHeaders.REASON, utf8(r.why().reason().code()));
        return new ProducerRecord<>(topic, null, r.record().key(), r.record().value(), headers);
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
