package dev.lastseen.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class UsageWriterTest {
    private static final TokenKey KEY = new TokenKey("acct", "tok");

    private static KeyValueStore<TokenKey, UsageFields> store() {
        return Stores4Test.inMemory("usage", StateSerdes.usage());
    }

    @Property(tries = 1000)
    void lastSeenIsTheMaxOfAllSuccessesWhateverTheOrder(
            @ForAll @Size(min = 1, max = 50) List<@LongRange(min = 1, max = 10_000_000) Long> times) {
        UsageWriter writer = new UsageWriter(store(), Duration.ofSeconds(60));
        long previousPatch = Long.MIN_VALUE;
        UsageChange last = null;
        for (long t : times) {
            last = writer.recordSuccess(KEY, t, "colo-" + t, null);
            if (last.patch() != null) {
                assertThat(last.patch().lastSeenAt()).isGreaterThan(previousPatch);
                previousPatch = last.patch().lastSeenAt();
            }
        }
        long max = times.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(last.after().lastSeenAt()).isEqualTo(max);
        assertThat(last.after().lastSeenColo()).isEqualTo("colo-" + max);
        assertThat(last.after().successCount()).isEqualTo(times.size());
    }

    @Test
    void theFirstSightingIsAlwaysPatched() {
        UsageChange change = new UsageWriter(store(), Duration.ofHours(1)).recordSuccess(KEY, 5, null, null);
        assertThat(change.patch()).isEqualTo(new UsagePatch("acct", "tok", 5, null, null));
    }

    @Test
    void advancesBelowTheGranularityAreStoredButNotPatched() {
        UsageWriter writer = new UsageWriter(store(), Duration.ofSeconds(60));
        writer.recordSuccess(KEY, 0 + 1, null, null);
        UsageChange small = writer.recordSuccess(KEY, 59_000, null, null);
        UsageChange enough = writer.recordSuccess(KEY, 60_001, null, null);
        assertThat(small.lastSeenAdvanced()).isTrue();
        assertThat(small.patch()).isNull();
        assertThat(enough.patch().lastSeenAt()).isEqualTo(60_001);
    }

    @Test
    void failuresOnlyCountFailures() {
        UsageWriter writer = new UsageWriter(store(), Duration.ZERO);
        writer.recordSuccess(KEY, 100, "a", "ip");
        UsageChange f = writer.recordFailure(KEY, 90);
        assertThat(f.after()).isEqualTo(new UsageFields(100, "a", "ip", 1, 1, 100, 90));
        assertThat(f.patch()).isNull();
    }

    @Test
    void tokenIdsThatNeverSucceededExpireAfterTheirLastFailureAndOthersNever() {
        KeyValueStore<TokenKey, UsageFields> store = store();
        UsageWriter writer = new UsageWriter(store, Duration.ofSeconds(60));
        for (int i = 0; i < 25; i++) {
            writer.recordFailure(new TokenKey("acct", String.format("guess-%02d", i)), 1_000); // old failures only
        }
        writer.recordFailure(new TokenKey("acct", "recent-guess"), 9_000); // failed recently
        writer.recordSuccess(new TokenKey("acct", "real"), 500, null, null); // succeeded once, long ago
        writer.recordFailure(new TokenKey("acct", "real"), 1_000);

        int expired = 0;
        TokenKey resume = null;
        int passes = 0;
        do {
            UsageWriter.Sweep sweep = writer.expire(resume, 5_000, UsageFields.NEVER, 10); // at most 10 entries a pass
            expired += sweep.expired();
            resume = sweep.resumeAfter();
            passes++;
        } while (resume != null);

        assertThat(expired).isEqualTo(25);
        assertThat(passes).isEqualTo(3);
        assertThat(store.get(new TokenKey("acct", "recent-guess"))).isNotNull();
        assertThat(store.get(new TokenKey("acct", "real"))).isNotNull();
        assertThat(store.get(new TokenKey("acct", "guess-07"))).isNull();
    }

    @Test
    void retiredUsageStaysReadableAndCountingUntilItsRetentionThenExpires() {
        KeyValueStore<TokenKey, UsageFields> store = store();
        UsageWriter writer = new UsageWriter(store, Duration.ZERO);
        TokenKey deleted = new TokenKey("acct", "deleted");
        TokenKey registered = new TokenKey("acct", "registered");
        writer.recordSuccess(deleted, 100, "fra1", null);
        writer.recordSuccess(registered, 100, "fra1", null);
        writer.retire(deleted, 1_000);
        writer.retire(deleted, 5_000); // a second retirement does not push the expiry out

        UsageChange late = writer.recordSuccess(deleted, 200, "sjc1", null); // an event still arriving after the delete
        assertThat(late.after().successCount()).isEqualTo(2);
        assertThat(late.after().retiredAt()).isEqualTo(1_000);

        assertThat(writer.expire(null, UsageFields.NEVER, 1_000, 100).expired())
                .isZero(); // retired at, not before, the cutoff
        assertThat(writer.expire(null, UsageFields.NEVER, 1_001, 100).expired()).isEqualTo(1);
        assertThat(store.get(deleted)).isNull();
        assertThat(store.get(registered)).isNotNull();
    }

    @Test
    void reRegisteringCancelsARetirementAndRetiringCreatesNothing() {
        KeyValueStore<TokenKey, UsageFields> store = store();
        UsageWriter writer = new UsageWriter(store, Duration.ZERO);
        TokenKey moved = new TokenKey("acct", "moved-back");
        writer.recordSuccess(moved, 100, null, null);
        writer.retire(moved, 1_000);
        writer.restore(moved);
        writer.retire(new TokenKey("acct", "never-used"), 1_000);

        assertThat(store.get(moved).retired()).isFalse();
        assertThat(store.get(new TokenKey("acct", "never-used"))).isNull();
        assertThat(writer.expire(null, UsageFields.NEVER, Long.MAX_VALUE, 100).expired())
                .isZero();
    }
}
