package dev.lastseen.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class LastSeenGuardTest {
    private static KeyValueStore<String, Long> store() {
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("guard"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled()
                .withCachingDisabled()
                .build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    @Property(tries = 500)
    void whatPassesIsStrictlyIncreasingAndEndsAtTheMax(
            @ForAll @Size(min = 1, max = 40) List<@LongRange(min = 1, max = 1_000) Long> patches) {
        LastSeenGuard guard = new LastSeenGuard(store());
        long last = Long.MIN_VALUE;
        for (long at : patches) {
            if (guard.advance("tok", at)) {
                assertThat(at).isGreaterThan(last);
                last = at;
            } else {
                assertThat(at).isLessThanOrEqualTo(last);
            }
        }
        assertThat(last)
                .isEqualTo(patches.stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void tokensAreGuardedIndependentlyAndForgottenAfterTheRetentionInBoundedPasses() {
        KeyValueStore<String, Long> store = store();
        LastSeenGuard guard = new LastSeenGuard(store);
        for (int i = 0; i < 25; i++) {
            guard.advance(String.format("old-%02d", i), 1_000);
        }
        guard.advance("recent", 9_000);
        assertThat(guard.advance("other", 500)).isTrue(); // another token's max does not hold it back

        int expired = 0;
        String resume = null;
        int passes = 0;
        do {
            BoundedSweep.Pass<String> pass = guard.expire(resume, 5_000, 10);
            expired += pass.expired();
            resume = pass.resumeAfter();
            passes++;
        } while (resume != null);

        assertThat(expired).isEqualTo(26);
        assertThat(passes).isEqualTo(3);
        assertThat(store.get("recent")).isEqualTo(9_000L);
        assertThat(store.get("old-03")).isNull();
    }
}
