package dev.lastseen.app.spikes;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.thresholds.SpikeThreshold;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.app.thresholds.ThresholdsLimits;
import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed token authentications per account and per (account, token) in tumbling
 * event-time windows ({@code occurred_at}), and when a window closes compares its count with
 * the key's baseline: a spike is {@code failures > max(minimum, factor × baseline)}, with
 * {@code minimum} and {@code factor} the account's current {@link Thresholds}. Each spike is one
 * {@link AuthFailureSpike} (keyed by account) and one increment of
 * {@code lastseen_auth_failure_spikes_total}.
 *
 * <p><b>Time.</b> The task's observed event time is the largest {@code occurred_at} of any login
 * it has processed (successes too, so failures stopping does not stop the clock). A window
 * {@code [start, end)} closes once observed time reaches {@code end + grace}; a failure that
 * arrives for a window that has closed is dropped, so every (key, window) is evaluated, and
 * alerted, at most once. Observed time is kept in the changelogged store, so this holds across
 * restarts and rebalances. As with Kafka Streams' own windows, a window closes when later events
 * arrive on the partition, not by the wall clock: a lagging instance still counts every failure.
 *
 * <p><b>Baseline.</b> An exponentially weighted moving average of the key's failures per window
 * over earlier windows ({@code alpha} = weight of the newest), decayed lazily for windows with
 * no failures. The window being judged is compared with the baseline before it, then folded in.
 *
 * <p><b>State is bounded.</b> Open windows: one entry per failing key per open window (at most
 * {@code 1 + ceil(grace / window)} windows are open), deleted when the window closes. Baselines:
 * one entry per key; every {@value #SWEEP_EVERY_WINDOWS} windows entries that have decayed
 * below {@link #NEGLIGIBLE_BASELINE} are deleted. That value times the largest allowed factor is
 * below the smallest allowed minimum, so deleting such an entry changes no decision: a token
 * that stops failing leaves the store after about {@code ln(0.001 / rate) / ln(1 - alpha)}
 * windows (31 windows for one failure per window at alpha 0.2).
 */
final class FailureSpikeDetector implements Processor<String, LoginEvent, String, AuthFailureSpike> {
    private static final Logger log = LoggerFactory.getLogger(FailureSpikeDetector.class);
    static final int SWEEP_EVERY_WINDOWS = 10;
    static final double NEGLIGIBLE_BASELINE =
            ThresholdsLimits.DEFAULT_MIN_MINIMUM / ThresholdsLimits.DEFAULT_MAX_FACTOR;

    private final long windowMillis;
    private final long graceMillis;
    private final double alpha;
    private final Supplier<Thresholds> thresholds;
    private final LastseenMetrics metrics;
    private ProcessorContext<String, AuthFailureSpike> context;
    private KeyValueStore<String, Long> counts;
    private KeyValueStore<String, Baseline> baselines;
    private long observedTime;
    /** No window starting before this is open, so closing windows needs no scan until then (per-event cost). */
    private long nextClosableStart;

    private long nextSweep;

    FailureSpikeDetector(
            LastseenConfig.SpikeSettings settings, Supplier<Thresholds> thresholds, LastseenMetrics metrics) {
        this.windowMillis = settings.window().toMillis();
        this.graceMillis = settings.grace().toMillis();
        this.alpha = settings.baselineAlpha();
        this.thresholds = thresholds;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, AuthFailureSpike> context) {
        this.context = context;
        this.counts = context.getStateStore(SpikeStores.WINDOW_COUNTS);
        this.baselines = context.getStateStore(SpikeStores.BASELINES);
        Long stored = counts.get(WindowKeys.OBSERVED_TIME);
        this.observedTime = stored == null ? Long.MIN_VALUE : stored;
        this.nextClosableStart = Long.MIN_VALUE; // scan once after a restart
        this.nextSweep = Long.MIN_VALUE;
    }

    @Override
    public void process(Record<String, LoginEvent> record) {
        LoginEvent event = record.value();
        long at = event.getOccurredAt().toEpochMilli();
        boolean advanced = at > observedTime;
        if (advanced) {
            observedTime = at;
            counts.put(WindowKeys.OBSERVED_TIME, observedTime);
        }
        if (isTokenFailure(event)) {
            count(record.key(), event.getTokenId(), at);
        }
        if (advanced) {
            closeWindows(record.timestamp());
        }
    }

    private static boolean isTokenFailure(LoginEvent event) {
        CredentialType type = event.getCredentialType();
        return event.getOutcome() == AuthOutcome.FAILURE
                && event.getTokenId() != null
                && (type == CredentialType.SERVICE_TOKEN || type == CredentialType.API_TOKEN);
    }

    private void count(String account, String token, long at) {
        long start = Math.floorDiv(at, windowMillis) * windowMillis;
        if (isClosed(start)) {
            log.debug(
                    "Dropped a failure {} ms after its window closed (grace {} ms)",
                    observedTime - start - windowMillis - graceMillis,
                    graceMillis);
            return;
        }
        increment(WindowKeys.window(start, WindowKeys.accountScope(account)));
        increment(WindowKeys.window(start, WindowKeys.tokenScope(account, token)));
    }

    private boolean isClosed(long windowStart) {
        return windowStart + windowMillis + graceMillis <= observedTime;
    }

    private void increment(String windowKey) {
        Long n = counts.get(windowKey);
        counts.put(windowKey, n == null ? 1L : n + 1);
    }

    /** Evaluates, in window order, every window that observed time has closed, then forgets it. */
    private void closeWindows(long outputTimestamp) {
        long lastClosedStart = observedTime - windowMillis - graceMillis;
        if (lastClosedStart < nextClosableStart) {
            return;
        }
        // Windows start at multiples of the size, and none can open at or before lastClosedStart any more.
        nextClosableStart = Math.floorDiv(lastClosedStart, windowMillis) * windowMillis + windowMillis;
        List<KeyValue<String, Long>> closed = new ArrayList<>();
        try (KeyValueIterator<String, Long> it =
                counts.range(WindowKeys.first(), WindowKeys.afterWindowsStartingAtOrBefore(lastClosedStart))) {
            it.forEachRemaining(closed::add);
        }
        for (KeyValue<String, Long> window : closed) {
            evaluate(WindowKeys.scope(window.key), WindowKeys.start(window.key), window.value, outputTimestamp);
            counts.delete(window.key);
        }
        if (lastClosedStart >= nextSweep) {
            sweepNegligibleBaselines(lastClosedStart);
            nextSweep = lastClosedStart + SWEEP_EVERY_WINDOWS * windowMillis;
        }
    }

    private void evaluate(String scope, long start, long failures, long outputTimestamp) {
        String account = WindowKeys.account(scope);
        Baseline stored = baselines.get(scope);
        double baseline = stored == null ? 0.0 : stored.decayedTo(start, windowMillis, alpha);
        SpikeThreshold threshold = thresholds.get().forAccount(account);
        double limit = Math.max((double) threshold.minimum(), threshold.factor() * baseline);
        if (failures > limit) {
            String token = WindowKeys.token(scope);
            AuthFailureSpike spike = AuthFailureSpike.newBuilder()
                    .setAccountId(account)
                    .setTokenId(token)
                    .setWindowStart(Instant.ofEpochMilli(start))
                    .setWindowEnd(Instant.ofEpochMilli(start + windowMillis))
                    .setFailures(failures)
                    .setBaseline(baseline)
                    .build();
            context.forward(new Record<>(account, spike, outputTimestamp));
            metrics.authFailureSpike();
            log.info(
                    "Authentication failure spike: account {}{} had {} failures in [{}, {}), over max(minimum {}, {} x baseline {})",
                    account,
                    token == null ? "" : " token " + token,
                    failures,
                    spike.getWindowStart(),
                    spike.getWindowEnd(),
                    threshold.minimum(),
                    threshold.factor(),
                    String.format("%.2f", baseline));
        }
        Baseline base = stored == null ? new Baseline(0.0, start - windowMillis) : stored;
        baselines.put(scope, base.fold(start, failures, windowMillis, alpha));
    }

    /** Deletes baselines that have decayed to where they can no longer change a decision (see class comment). */
    private void sweepNegligibleBaselines(long asOfWindowStart) {
        List<String> negligible = new ArrayList<>();
        try (KeyValueIterator<String, Baseline> it = baselines.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value.decayedTo(asOfWindowStart + windowMillis, windowMillis, alpha) < NEGLIGIBLE_BASELINE) {
                    negligible.add(kv.key);
                }
            });
        }
        negligible.forEach(baselines::delete);
    }
}
