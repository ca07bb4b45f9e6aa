package dev.lastseen.app.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.registry.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.junit.jupiter.api.Test;

/**
 * The production handler never answers with a dead letter, whatever failed and whatever the task's source
 * record was (here a {@code service-tokens} value with a secret in it), and counts every failure by cause.
 */
class SinkFailureHandlerTest {
    private static final byte[] SECRET_BEARING_SOURCE =
            "client_secret_hash=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                    .getBytes(StandardCharsets.UTF_8);

    private final Map<FailureKind, Integer> counted = new EnumMap<>(FailureKind.class);

    private SinkFailureHandler handler() {
        Map<String, Object> c = new HashMap<>();
        c.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "lastseen-dlq");
        c.put(DeadLetterCounter.STREAMS_CONFIG_KEY, (SinkFailureCounter) k -> counted.merge(k, 1, Integer::sum));
        SinkFailureHandler h = new SinkFailureHandler();
        h.configure(c);
        return h;
    }

    private static TestContext serviceTokensTask() {
        return TestContext.record(
                "service-tokens", 0, 5, "tok-1".getBytes(StandardCharsets.UTF_8), SECRET_BEARING_SOURCE);
    }

    @Test
    void aRegistryOutageInASinkSerializerFailsTheTaskWithNoDeadLetterAndCountsItAsRegistryUnavailable() {
        SerializationException e = new SerializationException(
                "Could not find the schema id", new RegistryUnavailableException("connection refused"));

        ProductionExceptionHandler.Response r = handler()
                .handleSerializationError(
                        serviceTokensTask(),
                        new ProducerRecord<>("app-registry-by-account-repartition", "acct-1", "command"),
                        e,
                        SerializationExceptionOrigin.VALUE);

        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
        assertThat(counted).containsExactly(Map.entry(FailureKind.REGISTRY_UNAVAILABLE, 1));
    }

    @Test
    void anEncodingFailureInASinkSerializerFailsTheTaskWithNoDeadLetter() {
        ProductionExceptionHandler.Response r = handler()
                .handleSerializationError(
                        serviceTokensTask(),
                        new ProducerRecord<>("token-last-seen", "tok-1", "patch"),
                        new SerializationException("Could not encode", new NullPointerException("field")),
                        SerializationExceptionOrigin.VALUE);

        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
        assertThat(counted).containsExactly(Map.entry(FailureKind.UNEXPECTED, 1));
    }

    @Test
    void aRetriableSendFailureIsRetriedAndAFatalOneFailsTheTaskNeitherWithADeadLetter() {
        SinkFailureHandler h = handler();
        ProducerRecord<byte[], byte[]> sent = new ProducerRecord<>("token-last-seen", new byte[] {1}, new byte[] {2});

        ProductionExceptionHandler.Response retriable =
                h.handleError(serviceTokensTask(), sent, new NotEnoughReplicasException("2 of 3 in sync"));
        ProductionExceptionHandler.Response fatal =
                h.handleError(serviceTokensTask(), sent, new RecordTooLargeException("too large"));

        assertThat(retriable.result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(retriable.deadLetterQueueRecords()).isEmpty();
        assertThat(fatal.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(fatal.deadLetterQueueRecords()).isEmpty();
        assertThat(counted).containsExactly(Map.entry(FailureKind.KAFKA, 2));
    }
}
