package dev.lastseen.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lastseen.app.errors.FailureKind;
import dev.lastseen.app.errors.StreamThreadFailureHandler;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenStores;
import dev.lastseen.testing.TestRecords;
import java.util.Map;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A state store that cannot write (disk full, I/O error) is a fault of the machine, not of the record:
 * the task fails, nothing is dead-lettered, the state update is not lost - the record is processed once
 * the store works again - and the failure is counted by cause.
 */
class StorageFaultTest {
    private final FailingStores usage = new FailingStores(Stores.persistentKeyValueStore(StoreNames.TOKEN_USAGE));

    @AutoClose
    final TopologyHarness h = new TopologyHarness(withUsage(TokenStores.persistent(), usage), Map.of());

    private static TokenStores withUsage(TokenStores stores, FailingStores usage) {
        return new TokenStores(
                stores.registry(),
                usage,
                stores.tokenAccountIndex(),
                stores.lastSeenGuard(),
                stores.neverSeen(),
                stores.trailing());
    }

    @Test
    void aStoreThatThrowsOnPutFailsTheTaskLeavesTheDlqEmptyAndLosesNothing() {
        h.logins.pipeInput("acct-1", TestRecords.success("acct-1", "tok-1", TopologyHarness.NOW.minusSeconds(60)));
        usage.failing.set(true);

        Throwable failure = catchThrowable(() -> h.logins.pipeInput(
                "acct-1", TestRecords.success("acct-1", "tok-1", TopologyHarness.NOW.minusSeconds(10))));

        assertThat(failure).as("the task fails").isInstanceOf(StreamsException.class);
        assertThat(h.deadLetters.isEmpty()).as("nothing dead-lettered").isTrue();
        assertThat(h.counter("lastseen.dlq.records", "reason", "processing_error"))
                .isZero();
        assertThat(h.usageStore().get(new TokenKey("acct-1", "tok-1")).successCount())
                .as("the state is as before the failed record")
                .isEqualTo(1);
        // What Kafka Streams does next: the stream thread dies and our handler counts and replaces it.
        StreamThreadExceptionResponse response = new StreamThreadFailureHandler(h.metrics).handle(failure);
        assertThat(response).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(h.metrics.taskFailureCount(FailureKind.STATE_STORE)).isEqualTo(1);

        // The disk has room again; the record is read again (under exactly-once, from the last commit).
        usage.failing.set(false);
        h.logins.pipeInput("acct-1", TestRecords.success("acct-1", "tok-1", TopologyHarness.NOW.minusSeconds(10)));
        assertThat(h.usageStore().get(new TokenKey("acct-1", "tok-1")).successCount())
                .isEqualTo(2);
        assertThat(h.deadLetters.isEmpty()).isTrue();
    }
}
