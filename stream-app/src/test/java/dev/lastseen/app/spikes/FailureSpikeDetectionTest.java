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
            h.success("acct-0", "tok-0-0", afterClose(12));

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
                h.success("acct-a", "tok-3", afterClose(w - 1));
                h.success("acct-a", "tok-3", afterClose(w - 1).plusSeconds(5)); // more events: no repeat
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
            h.success("acct-a", "tok-9", afterClose(1));

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
            h.success("acct-a", "tok-2", window(1).plusMillis(GRACE_MS - 1_000)); // window 0 ended, grace not over
            h.send(TestRecords.login(
                    "acct-a", "tok-1", window(0).plusSeconds(58), AuthOutcome.FAILURE)); // late, inside grace
            assertThat(h.alerts.isEmpty()).isTrue();

            h.success("acct-a", "tok-2", afterClose(0));

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
            h.success("acct-a", "tok-2", afterClose(0)); // window 0 closes with 20: no spike
            h.failures("acct-a", "tok-1", window(0).plusSeconds(30), 50); // too late for window 0
            h.success("acct-a", "tok-2", afterClose(3));

            assertThat(h.alerts.readValuesToList()).isEmpty();
            assertThat(h.spikesCounted()).isZero();
        }
    }

    @Test
    void theBaselineLearnedFromEarlierWindowsRaisesTheBar() {
        try (SpikeHarness h = new SpikeHarness()) {
            int steady = 40;
            for (int w = 0; w < 12; w++) {
                h.failures("acct-a", "tok-1", window(w).plusSeconds(5), steady);
                h.success("acct-a", "tok-2", afterClose(w)); // closes window w
            }
            List<AuthFailureSpike> learning = h.alerts.readValuesToList();
            // A new key starts from no baseline, so its first windows alert; once learned, the same rate does not.
            assertThat(learning)
                    .isNotEmpty()
                    .allSatisfy(a -> assertThat(a.getWindowStart()).isBefore(window(4)));

            h.failures("acct-a", "tok-1", window(12).plusSeconds(5), 10 * steady);
            h.success("acct-a", "tok-2", afterClose(12));

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
            h.success("acct-a", "tok-x", afterClose(0));
            assertThat(h.alerts.readValuesToList())
                    .extracting(AuthFailureSpike::getAccountId)
                    .containsOnly("acct-a")
                    .hasSize(2);

            h.thresholds.set(
                    new Thresholds(new SpikeThreshold(20, 3.0), Map.of("acct-a", new SpikeThreshold(500, 3.0))));
            h.failures("acct-a", "tok-a", window(5).plusSeconds(5), 50);
            h.failures("acct-b", "tok-b", window(5).plusSeconds(5), 50);
            h.success("acct-a", "tok-x", afterClose(5));
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
            h.success("acct-a", "tok-1", afterClose(0));
            assertThat(h.alerts.readValuesToList()).isEmpty();
        }
    }

    @Test
    void closedWindowsAreForgottenAndBaselinesOfKeysThatStopFailingAreDeleted() {
        try (SpikeHarness h = new SpikeHarness()) {
            for (int t = 0; t < 50; t++) {
                h.failures("acct-a", "tok-" + t, window(0).plusSeconds(t), 2);
            }
            h.success("acct-a", "tok-quiet", afterClose(0));
            assertThat(keys(h.baselines())).hasSize(51); // the account and its 50 tokens
            assertThat(keys(h.windowCounts())).containsExactly(WindowKeys.OBSERVED_TIME);

            // Quiet windows: the baselines decay; after ln(0.001 / 100) / ln(0.8) ≈ 52 windows even the account's is
            // negligible.
            for (int w = 1; w < 80; w++) {
                h.success("acct-a", "tok-quiet", window(w).plusSeconds(1));
            }
            assertThat(keys(h.baselines())).isEmpty();
            assertThat(keys(h.windowCounts())).containsExactly(WindowKeys.OBSERVED_TIME);
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
                    .isLessThan(WindowKeys.OBSERVED_TIME);
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
