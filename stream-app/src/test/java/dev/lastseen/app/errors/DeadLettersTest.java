package dev.lastseen.app.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.serde.InputRejectReason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

/** Dead letters always fit the limit they are given, and say what was left out. */
class DeadLettersTest {
    private static ProducerRecord<byte[], byte[]> letter(int keyBytes, int valueBytes) {
        return DeadLetters.record(
                "lastseen-dlq",
                keyBytes < 0 ? null : new byte[keyBytes],
                valueBytes < 0 ? null : new byte[valueBytes],
                true,
                TestContext.record("login-events", 4, 123_456, null, null),
                new RejectedRecordException(InputRejectReason.TOO_LARGE, "value over the bound"),
                InputRejectReason.TOO_LARGE);
    }

    /**
     * Kafka's own upper bound of a record in a batch of its own: what the producer compares with
     * max.request.size (an internal class of the client: a cross-check that breaks loudly if it moves).
     */
    private static int kafkaEstimate(ProducerRecord<byte[], byte[]> r) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE,
                org.apache.kafka.common.record.internal.CompressionType.NONE,
                r.key(),
                r.value(),
                r.headers().toArray());
    }

    @Property(tries = 200)
    void ourSizeBoundIsNeverBelowKafkasOwnEstimate(
            @ForAll @IntRange(min = -1, max = 300_000) int key, @ForAll @IntRange(min = -1, max = 300_000) int value) {
        ProducerRecord<byte[], byte[]> r = letter(key, value);
        assertThat(DeadLetters.sizeUpperBound(r)).isGreaterThanOrEqualTo(kafkaEstimate(r));
    }

    @Property(tries = 200)
    void aFittedLetterIsWithinTheLimitAndKeepsEveryHeader(
            @ForAll @IntRange(min = -1, max = 300_000) int key,
            @ForAll @IntRange(min = -1, max = 300_000) int value,
            @ForAll @IntRange(min = DeadLetterLimit.MINIMUM, max = 200_000) int limit) {
        ProducerRecord<byte[], byte[]> original = letter(key, value);
        ProducerRecord<byte[], byte[]> fitted = DeadLetters.fit(original, limit);
        assertThat(DeadLetters.sizeUpperBound(fitted)).isLessThanOrEqualTo(limit);
        for (Header h : original.headers()) {
            assertThat(fitted.headers().lastHeader(h.key())).as(h.key()).isNotNull();
        }
        if (fitted.value() == null && original.value() != null) {
            assertThat(value(fitted, DeadLetters.VALUE_DROPPED_HEADER)).isEqualTo(String.valueOf(value));
        } else {
            assertThat(fitted.value()).isEqualTo(original.value());
            assertThat(fitted.headers().lastHeader(DeadLetters.VALUE_DROPPED_HEADER))
                    .isNull();
        }
        if (fitted.key() == null && original.key() != null) {
            assertThat(value(fitted, DeadLetters.KEY_DROPPED_HEADER)).isEqualTo(String.valueOf(key));
            assertThat(fitted.value()).isNull();
        }
    }

    @Test
    void aLetterThatFitsIsUnchanged() {
        ProducerRecord<byte[], byte[]> small = letter(10, 200);
        assertThat(DeadLetters.fit(small, DeadLetterLimit.MINIMUM)).isSameAs(small);
    }

    @Test
    void theLimitIsTheSmallerOfTheTopicsAndTheProducers() {
        assertThat(DeadLetterLimit.of(102_400, Map.of())).isEqualTo(102_400);
        assertThat(DeadLetterLimit.of(8_000_000, Map.of())).isEqualTo(1024 * 1024);
        assertThat(DeadLetterLimit.of(8_000_000, Map.of("max.request.size", "2000000")))
                .isEqualTo(2_000_000);
        assertThat(DeadLetterLimit.of(
                        8_000_000, Map.of("max.request.size", "2000000", "producer.max.request.size", "500000")))
                .isEqualTo(500_000);
    }

    @Test
    void anUnexpectedlyLongExceptionMessageIsBoundedInItsHeader() {
        ProducerRecord<byte[], byte[]> r = DeadLetters.record(
                "lastseen-dlq",
                null,
                null,
                true,
                TestContext.record("login-events", 0, 1, null, null),
                new IllegalStateException("m".repeat(100_000)),
                InputRejectReason.PROCESSING_ERROR);
        assertThat(value(r, DeadLetters.HEADER_MESSAGE).length())
                .isLessThanOrEqualTo(DeadLetters.MAX_MESSAGE_CHARS + 3);
    }

    private static String value(ProducerRecord<byte[], byte[]> r, String header) {
        return new String(r.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
    }
}
