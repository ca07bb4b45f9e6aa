package dev.lastseen.app.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.serde.InputRejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * What the two error handlers answer Kafka Streams, configured as the application configures them
 * (the dead-letter topic, counters, the shared retry ledger and the dead-letter size limit through the
 * streams config map).
 */
class ErrorHandlersTest {
    private static final String DLQ = "lastseen-dlq";
    private static final byte[] KEY = "acct-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = new byte[] {0, 0, 0, 0, 1, 2, 3};

    private final Map<InputRejectReason, Integer> deadLettered = new EnumMap<>(InputRejectReason.class);
    private final RecordRetries retries = new RecordRetries(2);

    private Map<String, Object> configs(int maxBytes) {
        Map<String, Object> c = new HashMap<>();
        c.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLQ);
        c.put(DeadLetterCounter.STREAMS_CONFIG_KEY, (DeadLetterCounter) r -> deadLettered.merge(r, 1, Integer::sum));
        c.put(RecordRetries.STREAMS_CONFIG_KEY, retries);
        c.put(DeadLetterLimit.STREAMS_CONFIG_KEY, maxBytes);
        c.put(DeadLetterRouter.VALUE_KEEPING_TOPICS_CONFIG, List.of("login-events"));
        return c;
    }

    private ProcessingFailureHandler processing() {
        ProcessingFailureHandler h = new ProcessingFailureHandler();
        h.configure(configs(1 << 20));
        return h;
    }

    private static ProcessingExceptionHandler.Response process(
            ProcessingFailureHandler h, TestContext context, Exception e) {
        return h.handleError(context, new Record<>("acct-1", "value", 0L), e);
    }

    private static TestContext at(long offset) {
        return TestContext.record("login-events", 1, offset, KEY, VALUE);
    }

    @Test
    void aStoreThatFailsOnPutFailsTheTaskEveryTimeAndNothingIsDeadLettered() {
        ProcessingFailureHandler h = processing();
        ProcessorStateException diskFull = new ProcessorStateException(
                "Error while putting key/value into store token-usage", new IOException("No space left on device"));
        for (int attempt = 0; attempt < 10; attempt++) {
            ProcessingExceptionHandler.Response r = process(h, at(42), diskFull);
            assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
            assertThat(r.deadLetterQueueRecords()).isEmpty();
        }
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void registryAndKafkaFaultsFailTheTaskEveryTime() {
        ProcessingFailureHandler h = processing();
        for (Exception e :
                new Exception[] {new RegistryUnavailableException("refused"), new TimeoutException("slow")}) {
            for (int attempt = 0; attempt < 5; attempt++) {
                assertThat(process(h, at(7), e).result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
            }
        }
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void aRejectedRecordIsDeadLetteredAtOnceWithItsOriginalBytesAndReason() {
        ProcessingExceptionHandler.Response r = process(
                processing(),
                at(3),
                new RejectedRecordException(InputRejectReason.KEY_MISMATCH, "key is not the account"));
        assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo(DLQ);
            assertThat(letter.key()).isEqualTo(KEY);
            assertThat(letter.value()).isEqualTo(VALUE);
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("key_mismatch");
            assertThat(header(letter, DeadLetters.HEADER_OFFSET)).isEqualTo("3");
        });
        assertThat(deadLettered).containsEntry(InputRejectReason.KEY_MISMATCH, 1);
    }

    @Test
    void anUnexpectedErrorIsRetriedTwiceThenDeadLetteredSoTheRecordCannotStallItsPartition() {
        ProcessingFailureHandler h = processing();
        IllegalStateException bug = new IllegalStateException("a bug this record trips");
        assertThat(process(h, at(9), bug).result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        // Another record failing meanwhile has its own count.
        assertThat(process(h, at(10), bug).result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(process(h, at(9), bug).result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        ProcessingExceptionHandler.Response third = process(h, at(9), bug);
        assertThat(third.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(third.deadLetterQueueRecords())
                .singleElement()
                .satisfies(letter ->
                        assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("processing_error"));
        assertThat(deadLettered).containsExactly(Map.entry(InputRejectReason.PROCESSING_ERROR, 1));
        // Its count is gone: were the same offset to fail again (another run), it would get its retries again.
        assertThat(retries.tracked()).isEqualTo(1);
    }

    @Test
    void aPunctuationThatKeepsFailingIsSkippedAfterItsRetriesWithoutADeadLetter() {
        ProcessingFailureHandler h = processing();
        IllegalStateException bug = new IllegalStateException("sweep bug");
        assertThat(process(h, TestContext.punctuation(), bug).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(process(h, TestContext.punctuation(), bug).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        ProcessingExceptionHandler.Response given = process(h, TestContext.punctuation(), bug);
        assertThat(given.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(given.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void theDeserializationHandlerDecidesTheSameWay() {
        DeadLetterHandler h = new DeadLetterHandler();
        h.configure(configs(1 << 20));
        ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>("login-events", 1, 5, KEY, VALUE);
        assertThat(h.handleError(at(5), raw, new RegistryUnavailableException("down"))
                        .result())
                .isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        DeserializationExceptionHandler.Response rejected =
                h.handleError(at(5), raw, new RejectedRecordException(InputRejectReason.TOO_LARGE, "over the bound"));
        assertThat(rejected.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(rejected.deadLetterQueueRecords()).hasSize(1);
    }

    @Test
    void anOversizedDeadLetterIsCutToTheLimitKeepingItsHeaders() {
        DeadLetterHandler h = new DeadLetterHandler();
        h.configure(configs(100 * 1024));
        byte[] huge = new byte[500 * 1024];
        ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>("login-events", 2, 77, KEY, huge);
        DeserializationExceptionHandler.Response r = h.handleError(
                TestContext.record("login-events", 2, 77, KEY, huge),
                raw,
                new RejectedRecordException(InputRejectReason.TOO_LARGE, "value is 512000 bytes"));
        assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> letter = r.deadLetterQueueRecords().get(0);
        assertThat(letter.value()).isNull();
        assertThat(letter.key()).isEqualTo(KEY);
        assertThat(header(letter, DeadLetters.VALUE_DROPPED_HEADER)).isEqualTo(String.valueOf(huge.length));
        assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("too_large");
        assertThat(header(letter, DeadLetters.HEADER_PARTITION)).isEqualTo("2");
        assertThat(header(letter, DeadLetters.HEADER_OFFSET)).isEqualTo("77");
        assertThat(DeadLetters.sizeUpperBound(letter)).isLessThanOrEqualTo(100 * 1024);
    }

    static String header(ProducerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
