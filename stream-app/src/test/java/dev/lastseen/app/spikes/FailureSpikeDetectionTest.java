package dev.lastseen.app.spikes;

import static dev.lastseen.app.spikes.SpikeHarness.GRACE_MS;
import static dev.lastseen.app.spikes.SpikeHarness.WINDOW_MS;
import static dev.lastseen.app.spikes.SpikeHarness.window;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.thresholds.SpikeThreshold;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.testing.TestRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

/** Failure-spike detection through the real topology (defaults: minimum 20, factor 3, 60 s windows, 30 s grace). */
class FailureSpikeDetectionTest {

    /** A success far enough past window {@code n}'s end that window {@code n} has closed. */
    private static Instant afterClose(int n) {
        return window(n + 1).plusMillis(GRACE_MS);
    }

    @Test
    void quietTrafficRaisesNothing() {
        try (SpikeHarness h = new SpikeHarness()) {
            for (int w = 0; w < 12; w++) {
                for (int a = 0; a < 3; a++) {
                    for (int t = 0; t < 5; t++) {
                        h.failures(
                                "acct-" + a,
                                "tok-" + a + "-" + t,
                                window(w).plusSeconds(t * 10L),
                                3); // 15 a window per account
                        h.success("acct-" + a, "tok-" + a + "-" + t, window(w).plusSeconds(t * 10L + 5));
                    }
                }
            }
            h.advanceTo(afterClose(12));

            assertThat(h.alerts.readValuesToList()).isEmpty();
            assertThat(h.spikesCounted()).isZero();
        }
    }

    @Test
    void aBurstRaisesExactlyOneAlertPerKeyForItsWindow() {
        try (SpikeHarness h = new SpikeHarness()) {
            h.failures("acct-a", "tok-1", window(0).plusSeconds(5), 30);
            h.failures("acct-a", "tok-1", window(0).plusSeconds(40), 20);
            h.failures("acct-a", "tok-2", window(0).plusSeconds(50), 5);
            h.success("acct-a", "tok-3", window(0).plusSeconds(59));
            assertThat(h.alerts.isEmpty())
                    .as("no alert before the window closes")
                    .isTrue();

            for (int w = 1; w < 6; w++) {
                h.advanceTo(afterClose(w - 1));
                h.advanceTo(afterClose(w - 1).plusSeconds(5)); // more events: no repeat
            }

            List<KeyValue<String, AuthFailureSpike>> alerts = h.alerts.readKeyValuesToList();
            assertThat(alerts).extracting(kv -> kv.key).containsOnly("acct-a");
            assertThat(alerts).extracting(kv -> kv.value.getTokenId()).containsExactlyInAnyOrder(null, "tok-1");
            AuthFailureSpike account = alerts.stream()
                    .filter(kv -> kv.value.getTokenId() == null)
                    .findFirst()
                    .orElseThrow()
                    .value;
            assertThat(account.getFailures()).isEqualTo(55);
            assertThat(account.getWindowStart()).isEqualTo(window(0));
            assertThat(account.getWindowEnd()).isEqualTo(window(1));
            assertThat(account.getBaseline()).isZero();
            AuthFailureSpike token = alerts.stream()
                    .filter(kv -> "tok-1".equals(kv.value.getTokenId()))
                    .findFirst()
                    .orElseThrow()
                    .value;
            assertThat(token.getFailures()).isEqualTo(50);
            assertThat(h.spikesCounted()).isEqualTo(2);
        }
    }

    @Test
    void aBurstSpanningTwoWindowsRaisesOneAlertInEach() {
        try (SpikeHarness h = new SpikeHarness()) {
            h.failures("acct-a", "tok-1", window(0).plusSeconds(50), 30);
            h.failures("acct-a", "tok-1", window(1).plusSeconds(5), 30);
            h.advanceTo(afterClose(1));

            List<AuthFailureSpike> alerts = h.alerts.readValuesToList();
            assertThat(alerts)
                    .extracting(AuthFailureSpike::getWindowStart)
                    .containsExactlyInAnyOrder(window(0), window(0), window(1), window(1));
            assertThat(h.spikesCounted()).isEqualTo(4);
        }
    }

    @Test
    void lateFailuresWithinTheGracePeriodCount() {
        try (SpikeHarness h = new SpikeHarness()) {
            h.failures("acct-a", "tok-1", window(0).plusSeconds(10), 20); // exactly the minimum: not a spike
            h.advanceTo(window(1).plusMillis(GRACE_MS - 1_000)); // window 0 ended, grace not over
            h.send(TestRecords.login(
                    "acct-a", "tok-1", window(0).plusSeconds(58), AuthOutcome.FAILURE)); // late, inside grace
            assertThat(h.alerts.isEmpty()).isTrue();

            h.advanceTo(afterClose(0));

            List<AuthFailureSpike> alerts = h.alerts.readValuesToList();
            assertThat(alerts).hasSize(2).allSatisfy(a -> {
                assertThat(a.getFailures()).isEqualTo(21);
                assertThat(a.getWindowStart()).isEqualTo(window(0));
            });
        }
    }

    @Test
    void failuresArrivingAfterTheGracePeriodAreNotCountedAndRaiseNothing() {
        try (SpikeHarness h = new SpikeHarness()) {
            h.failures("acct-a", "tok-1", window(0).plusSeconds(10), 20);
            h.advanceTo(afterClose(0)); // window 0 closes with 20: no spike
            assertThat(h.droppedLate()).isZero();
            h.failures("acct-a", "tok-1", window(0).plusSeconds(30), 50); // too late for window 0
            h.advanceTo(afterClose(3));

            assertThat(h.alerts.readValuesToList()).isEmpty();
            assertThat(h.spikesCounted()).isZero();
            assertThat(h.droppedLate())
                    .as("every late failure is counted as dropped")
                    .isEqualTo(50);
        }
    }

    @Test
    void theBaselineLearnedFromEarlierWindowsRaisesTheBar() {
        try (SpikeHarness h = new SpikeHarness()) {
            int steady = 40;
            for (int w = 0; w < 12; w++) {
                h.failures("acct-a", "tok-1", window(w).plusSeconds(5), steady);
                h.advanceTo(afterClose(w)); // closes window w
            }
            List<AuthFailureSpike> learning = h.alerts.readValuesToList();
            // A new key starts from no baseline, so its first windows alert; once learned, the same rate does not.
            assertThat(learning)
                    .isNotEmpty()
                    .allSatisfy(a -> assertThat(a.getWindowStart()).isBefore(window(4)));

            h.failures("acct-a", "tok-1", window(12).plusSeconds(5), 10 * steady);
            h.advanceTo(afterClose(12));

            List<AuthFailureSpike> burst = h.alerts.readValuesToList();
            assertThat(burst).hasSize(2).allSatisfy(a -> {
                assertThat(a.getWindowStart()).isEqualTo(window(12));
                assertThat(a.getFailures()).isEqualTo(10L * steady);
                assertThat(a.getBaseline()).isBetween(0.9 * steady, 1.0 * steady);
            });
        }
    }

    @Test
    void theAccountsCurrentThresholdsDecideAndAChangeAppliesToTheNextWindow() {
        Thresholds strictB =
                new Thresholds(new SpikeThreshold(20, 3.0), Map.of("acct-b", new SpikeThreshold(100, 3.0)));
        try (SpikeHarness h = new SpikeHarness(strictB)) {
            h.failures("acct-a", "tok-a", window(0).plusSeconds(5), 50);
            h.failures("acct-b", "tok-b", window(0).plusSeconds(5), 50);
            h.advanceTo(afterClose(0));
            assertThat(h.alerts.readValuesToList())
                    .extracting(AuthFailureSpike::getAccountId)
                    .containsOnly("acct-a")
                    .hasSize(2);

            h.thresholds.set(
                    new Thresholds(new SpikeThreshold(20, 3.0), Map.of("acct-a", new SpikeThreshold(500, 3.0))));
            h.failures("acct-a", "tok-a", window(5).plusSeconds(5), 50);
            h.failures("acct-b", "tok-b", window(5).plusSeconds(5), 50);
            h.advanceTo(afterClose(5));
            assertThat(h.alerts.readValuesToList())
                    .extracting(AuthFailureSpike::getAccountId)
                    .containsOnly("acct-b")
                    .hasSize(2);
        }
    }

    @Test
    void onlyFailedTokenAuthenticationsCount() {
        try (SpikeHarness h = new SpikeHarness()) {
            for (int i = 0; i < 50; i++) {
                h.send(LoginEvent.newBuilder()
                        .setEventId("session-" + i)
                        .setOccurredAt(window(0).plusMillis(i * 100L))
                        .setAccountId("acct-a")
                        .setCredentialType(CredentialType.USER_SESSION)
                        .setTokenId(null)
                        .setOutcome(AuthOutcome.FAILURE)
                        .setFailureReason("bad_password")
                        .build());
                h.success("acct-a", "tok-1", window(0).plusMillis(i * 100L + 50));
            }
            h.advanceTo(afterClose(0));
            assertThat(h.alerts.readValuesToList()).isEmpty();
        }
    }

    @Test
    void closedWindowsAreForgottenAndBaselinesOfKeysThatStopFailingAreDeleted() {
        try (SpikeHarness h = new SpikeHarness()) {
            for (int t = 0; t < 50; t++) {
                h.failures("acct-a", "tok-" + t, window(0).plusSeconds(t), 2);
            }
            h.advanceTo(afterClose(0));
            assertThat(keys(h.baselines())).hasSize(51); // the account and its 50 tokens
            assertThat(keys(h.windowCounts())).containsExactly(WindowKeys.CLOSING_TIME);

            // Quiet windows: the baselines decay; after ln(0.001 / 100) / ln(0.8) ≈ 52 windows even the account's is
            // negligible. The sweep of a quiet partition runs in the wall-clock punctuation.
            h.advanceTo(window(80));
            h.punctuate(Duration.ofSeconds(2));
            assertThat(keys(h.baselines())).isEmpty();
            assertThat(keys(h.windowCounts())).containsExactly(WindowKeys.CLOSING_TIME);
        }
    }

    /**
     * The incident this guards against: one login dated just under the clock-skew allowance ahead
     * used to advance the partition's time and close every window before it, so the real failures
     * of the next minutes were dropped and no alert could fire. The wall clock is "now" here.
     */
    @Test
    void aSuccessDatedJustUnderTheSkewAllowanceAheadDoesNotSilenceTheFailuresOfNow() {
        try (SpikeHarness h = new SpikeHarness()) {
            Instant now = window(10).plusSeconds(20);
            h.clock.set(now);
            h.success("acct-a", "tok-ahead", now.plusSeconds(299));
            h.failures("acct-a", "tok-1", now, 100);
            assertThat(h.droppedLate()).as("no failure was dropped").isZero();
            assertThat(h.alerts.isEmpty()).as("the window of now is still open").isTrue();

            // Time passes; the window of now closes (end + grace) and is judged.
            h.clock.set(now.plusSeconds(120));
            h.advanceTo(now.plusSeconds(120));
            List<AuthFailureSpike> alerts = h.alerts.readValuesToList();
            assertThat(alerts).hasSize(2).allSatisfy(a -> {
                assertThat(a.getFailures()).isEqualTo(100);
                assertThat(a.getWindowStart()).isEqualTo(window(10));
            });

            // Failures for that window that arrive now are too late: not counted, and counted as dropped.
            h.failures("acct-a", "tok-1", now, 7);
            assertThat(h.droppedLate()).isEqualTo(7);
            assertThat(h.alerts.isEmpty()).isTrue();
        }
    }

    /** The same while an instance catches up on old events: the wall clock is far ahead, only the median decides. */
    @Test
    void whileCatchingUpAFewEventsAheadOfTheOthersCloseNoWindow() {
        try (SpikeHarness h = new SpikeHarness()) {
            Instant then = window(10).plusSeconds(20); // the wall clock is a day later
            for (int i = 0; i < FailureSpikeDetector.CLOCK_SAMPLE_EVENTS / 2; i++) {
                h.success("acct-a", "tok-ahead-" + i, then.plusSeconds(299)); // a minority of the sample
            }
            h.failures("acct-a", "tok-1", then, 100);
            assertThat(h.droppedLate()).isZero();
            h.advanceTo(then.plusSeconds(120));
            assertThat(h.alerts.readValuesToList())
                    .extracting(AuthFailureSpike::getFailures)
                    .containsExactly(100L, 100L);
        }
    }

    /** Even a majority of events dated ahead (a whole colo with a fast clock) cannot close a window before the wall clock does. */
    @Test
    void aMajorityDatedAheadClosesNoWindowBeforeTheWallClockAndAPunctuationClosesItLater() {
        try (SpikeHarness h = new SpikeHarness()) {
            Instant now = window(10).plusSeconds(20);
            h.clock.set(now);
            h.advanceTo(now.plusSeconds(299)); // every recent event says now + 299 s
            h.failures("acct-a", "tok-1", now, 30);
            h.advanceTo(now.plusSeconds(299));
            assertThat(h.droppedLate()).isZero();
            assertThat(h.alerts.isEmpty()).isTrue();

            // No more events: wall-clock time passing closes the window (the detector's punctuation).
            h.clock.set(now.plusSeconds(100));
            h.punctuate(Duration.ofSeconds(1));
            assertThat(h.alerts.readValuesToList())
                    .extracting(AuthFailureSpike::getFailures)
                    .containsExactly(30L, 30L);
        }
    }

    @Test
    void windowKeysSortByWindowStartIncludingBeforeTheEpoch() {
        long[] starts = {Long.MIN_VALUE, -WINDOW_MS, 0, WINDOW_MS, 10 * WINDOW_MS, Long.MAX_VALUE - WINDOW_MS};
        List<String> keys = new ArrayList<>();
        for (long s : starts) {
            String key = WindowKeys.window(s, WindowKeys.tokenScope("acct-a", "tok-1"));
            keys.add(key);
            assertThat(WindowKeys.start(key)).isEqualTo(s);
            assertThat(WindowKeys.account(WindowKeys.scope(key))).isEqualTo("acct-a");
            assertThat(WindowKeys.token(WindowKeys.scope(key))).isEqualTo("tok-1");
            assertThat(key)
                    .isLessThan(WindowKeys.afterWindowsStartingAtOrBefore(s))
                    .isLessThan(WindowKeys.CLOSING_TIME);
        }
        assertThat(keys).isSorted();
        assertThat(WindowKeys.token(WindowKeys.accountScope("acct-a"))).isNull();
    }

    private static List<String> keys(org.apache.kafka.streams.state.KeyValueStore<String, ?> store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, ?> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }
}
