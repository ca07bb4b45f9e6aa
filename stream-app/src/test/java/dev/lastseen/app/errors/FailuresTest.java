package dev.lastseen.app.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryException;
import dev.lastseen.serde.InputRejectReason;
import dev.lastseen.serde.WireFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which failures are the record's fault, which are the machine's, and which are bugs - however Kafka Streams wraps them. */
class FailuresTest {
    /** How Kafka Streams hands a processor's exception to the uncaught-exception handler. */
    private static StreamsException wrapped(Throwable t) {
        return new StreamsException("Exception caught in process. taskId=0_1", new StreamsException("failed", t));
    }

    @Test
    void recordContentErrorsAreTheRecordsFault() {
        RejectedRecordException rejected =
                new RejectedRecordException(InputRejectReason.FIELD_TOO_LONG, "colo too long");
        assertThat(Failures.classify(rejected)).isEqualTo(FailureKind.BAD_RECORD);
        assertThat(Failures.classify(wrapped(rejected))).isEqualTo(FailureKind.BAD_RECORD);
        assertThat(Failures.classify(new WireFormatException(WireFormatException.Kind.TRUNCATED, "short")))
                .isEqualTo(FailureKind.BAD_RECORD);
    }

    @Test
    void storeFaultsAreStateStoreFailuresWhateverWrapsThem() {
        ProcessorStateException put = new ProcessorStateException(
                "Error while putting key/value into store token-usage", new IOException("No space left on device"));
        assertThat(Failures.classify(put)).isEqualTo(FailureKind.STATE_STORE);
        assertThat(Failures.classify(wrapped(put))).isEqualTo(FailureKind.STATE_STORE);
        assertThat(Failures.classify(new InvalidStateStoreException("store closed")))
                .isEqualTo(FailureKind.STATE_STORE);
    }

    @Test
    void registryOutagesAreNeverTheRecordsFault() {
        assertThat(Failures.classify(new RegistryUnavailableException("connection refused")))
                .isEqualTo(FailureKind.REGISTRY_UNAVAILABLE);
        assertThat(Failures.classify(wrapped(new SchemaRegistryException("bad gateway", 502, 502))))
                .isEqualTo(FailureKind.REGISTRY_UNAVAILABLE);
    }

    @Test
    void kafkaRuntimeErrorsAndIoErrorsAreInfrastructure() {
        assertThat(Failures.classify(wrapped(new TimeoutException("commit timed out"))))
                .isEqualTo(FailureKind.KAFKA);
        assertThat(Failures.classify(new ProducerFencedException("fenced"))).isEqualTo(FailureKind.KAFKA);
        assertThat(Failures.classify(new StreamsException("no cause"))).isEqualTo(FailureKind.KAFKA);
        assertThat(Failures.classify(wrapped(new UncheckedIOException(new IOException("read-only file system")))))
                .isEqualTo(FailureKind.IO);
    }

    @Test
    void aPlainRuntimeExceptionFromOurCodeIsUnexpectedEvenInsideKafkaWrappers() {
        assertThat(Failures.classify(new NullPointerException())).isEqualTo(FailureKind.UNEXPECTED);
        assertThat(Failures.classify(wrapped(new IllegalStateException("a bug"))))
                .isEqualTo(FailureKind.UNEXPECTED);
        // An internal record lastseen wrote itself that cannot be read back: not the machine's fault either.
        assertThat(Failures.classify(new SerializationException("unknown registry command kind 9")))
                .isEqualTo(FailureKind.UNEXPECTED);
    }

    @Test
    void onlyBadRecordsAndUnexpectedErrorsMayBeDeadLettered() {
        assertThat(FailureKind.values())
                .filteredOn(FailureKind::mayDeadLetter)
                .containsExactlyInAnyOrder(FailureKind.BAD_RECORD, FailureKind.UNEXPECTED);
    }

    @Test
    void theSummaryNamesTheRootCauseOnOneBoundedLine() {
        String summary = Failures.summary(wrapped(new IllegalStateException("line one\nline two " + "x".repeat(1000))));
        assertThat(summary)
                .startsWith("java.lang.IllegalStateException: line one line two")
                .doesNotContain("\n");
        assertThat(summary.length()).isLessThan(400);
    }
}
