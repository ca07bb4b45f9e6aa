package dev.lastseen.app.spikes;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.metrics.SpikeDropReason;
import dev.lastseen.app.thresholds.SpikeThreshold;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.app.thresholds.ThresholdsLimits;
import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.state.StoreNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
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
 * <p><b>The closing clock.</b> A window {@code [start, end)} closes once the task's <i>closing
 * time</i> reaches {@code end + grace}. The closing time is {@code min(median of the last}
 * {@value #CLOCK_SAMPLE_EVENTS} {@code event times, wall clock)}, never moving backwards:
 * <ul>
 *   <li>the <b>median</b> ({@link MedianEventClock}), not the largest event time, so events dated
 *       ahead of the others — up to the clock-skew allowance, by a login service with a skewed
 *       clock or on purpose — cannot close windows early unless they are the majority of the
 *       partition's recent events. (With the largest event time, one login dated 5 minutes ahead
 *       closed every window of the next 5 minutes, and the real failures of those minutes were
 *       dropped: the alert was silenced.)</li>
 *   <li>the <b>wall clock</b>, so even a majority dated ahead cannot close a window before its end
 *       plus grace has really passed; while an instance catches up on old events, the median is
 *       far behind the wall clock and decides alone, so a lagging instance still counts every
 *       failure.</li>
 * </ul>
 * The median of the last {@value #CLOCK_SAMPLE_EVENTS} events trails the newest events by about
 * half the time those events span: at a few events per second or more on a partition that is well
 * within the grace period; on a nearly idle partition windows close later, never earlier. A task
 * without a full sample (fresh, or just restarted: the sample is not persisted) keeps its stored
 * closing time until {@value #CLOCK_SAMPLE_EVENTS} new events have arrived. The closing time is
 * kept in the changelogged store, so every (key, window) is evaluated, and alerted, at most once
 * across restarts and rebalances. A failure that arrives for a window that has closed is not
 * counted and increments {@code lastseen_spike_failures_dropped_total{reason="window_closed"}}.
 *
 * <p><b>Baseline.</b> An exponentially weighted moving average of the key's failures per window
 * over earlier windows ({@code alpha} = weight of the newest), decayed lazily for windows with
 * no failures. The window being judged is compared with the baseline before it, then folded in.
 *
 * <p><b>Bounded work per call</b> (far below a transaction timeout under exactly-once, however
 * large the stores): closing and sweeping are incremental, with a resume cursor, in key order.
 * <ul>
 *   <li>One record: counts its failure (2 reads, 2 writes), may advance the closing time (1 write),
 *       judges at most {@value #MAX_CLOSED_PER_RECORD} closed windows (each: read and write its
 *       baseline, delete the window) and then, once no closed window is left, examines at most
 *       {@value #SWEPT_PER_CLOSED_WINDOW} baselines per window it judged.</li>
 *   <li>One punctuation (every second of wall-clock time, so windows also close while a partition
 *       is quiet): judges at most {@value #MAX_CLOSED_PER_PUNCTUATION} windows and examines at most
 *       {@value #MAX_SWEPT_PER_PUNCTUATION} baselines.</li>
 * </ul>
 * In store operations (each read, write or delete, each range opened and each entry a range
 * returns) that is at most {@link #MAX_STORE_OPERATIONS_PER_RECORD} per record and
 * {@link #MAX_STORE_OPERATIONS_PER_PUNCTUATION} per punctuation. A backlog of closed windows
 * (after a long pause, or a flood of distinct failing tokens) is worked off at that rate while
 * its failures are already final: a closed window accepts no more failures.
 *
 * <p><b>State is bounded.</b> Open windows: one entry per failing key per open window (at most
 * {@code 1 + ceil(grace / window)} windows are open), deleted when judged. Baselines: one entry
 * per key; the sweep deletes entries that have decayed below {@link #NEGLIGIBLE_BASELINE}. It
 * examines two baselines per window judged (and each judged window creates at most one baseline)
 * plus up to {@value #MAX_SWEPT_PER_PUNCTUATION} a second, so it outpaces their creation; a pass
 * starts at most once per window of closing time. That value times the
 * largest allowed factor is below the smallest allowed minimum, so deleting such an entry changes
 * no decision: a token that stops failing leaves the store after about
 * {@code ln(0.001 / rate) / ln(1 - alpha)} windows (31 windows for one failure per window at
 * alpha 0.2).
 */
final class FailureSpikeDetector implements Processor<String, LoginEvent, String, AuthFailureSpike> {
    private static final Logger log = LoggerFactory.getLogger(FailureSpikeDetector.class);
    static final double NEGLIGIBLE_BASELINE =
            ThresholdsLimits.DEFAULT_MIN_MINIMUM / ThresholdsLimits.DEFAULT_MAX_FACTOR;
    /** Events in the closing clock's median; odd. */
    static final int CLOCK_SAMPLE_EVENTS = 31;

    static final Duration PUNCTUATION_INTERVAL = Duration.ofSeconds(1);
    static final int MAX_CLOSED_PER_RECORD = 64;
    static final int MAX_CLOSED_PER_PUNCTUATION = 4096;
    static final int SWEPT_PER_CLOSED_WINDOW = 2;
    static final int MAX_SWEPT_PER_PUNCTUATION = 4096;
    /** One closed window: read the entry, read and write its baseline, delete the entry (a read and a write through the cache). */
    private static final int OPERATIONS_PER_CLOSED_WINDOW = 5;
    /** One baseline swept: read the entry, and delete it (a read and a write through the cache). */
    private static final int OPERATIONS_PER_SWEPT_BASELINE = 3;

    /** Counting (2 reads, 2 writes), the closing time (1 write), two ranges opened (and one look-ahead each), closing and sweeping. */
    static final int MAX_STORE_OPERATIONS_PER_RECORD = 4
            + 1
            + 4
            + MAX_CLOSED_PER_RECORD * OPERATIONS_PER_CLOSED_WINDOW
            + MAX_CLOSED_PER_RECORD * SWEPT_PER_CLOSED_WINDOW * OPERATIONS_PER_SWEPT_BASELINE;
    /** The closing time (1 write), two ranges opened (and one look-ahead each), closing and sweeping. */
    static final int MAX_STORE_OPERATIONS_PER_PUNCTUATION = 1
            + 4
            + MAX_CLOSED_PER_PUNCTUATION * OPERATIONS_PER_CLOSED_WINDOW
            + MAX_SWEPT_PER_PUNCTUATION * OPERATIONS_PER_SWEPT_BASELINE;

    private final long windowMillis;
    private final long graceMillis;
    private final double alpha;
    private final Supplier<Thresholds> thresholds;
    private final LastseenMetrics metrics;
    private final Clock wallClock;
    private final MedianEventClock eventClock = new MedianEventClock(CLOCK_SAMPLE_EVENTS);
    private ProcessorContext<String, AuthFailureSpike> context;
    private KeyValueStore<String, Long> counts;
    private KeyValueStore<String, Baseline> baselines;
    /** Windows ending (plus grace) at or before this are closed; persisted, never decreases. */
    private long closingTime;
    /** Every window starting at or before this has been judged (after a restart: unknown, so scan once). */
    private long judgedThrough;
    /** The last window judged: the next scan starts after it, not over the deleted entries before it. */
    private String closeCursor;
    /** The last baseline examined by the current sweep pass; null between passes. */
    private String sweepCursor;
    /** The first open window as of which the current (or last) sweep pass judges decay. */
    private long sweepAsOf;

    FailureSpikeDetector(
            LastseenConfig.SpikeSettings settings,
            Supplier<Thresholds> thresholds,
            LastseenMetrics metrics,
            Clock wallClock) {
        this.windowMillis = settings.window().toMillis();
        this.graceMillis = settings.grace().toMillis();
        this.alpha = settings.baselineAlpha();
        this.thresholds = thresholds;
        this.metrics = metrics;
        this.wallClock = wallClock;
    }

    @Override
    public void init(ProcessorContext<String, AuthFailureSpike> context) {
        this.context = context;
        this.counts = context.getStateStore(StoreNames.FAILURE_WINDOW_COUNTS);
        this.baselines = context.getStateStore(StoreNames.FAILURE_BASELINES);
        Long stored = counts.get(WindowKeys.CLOSING_TIME);
        this.closingTime = stored == null ? Long.MIN_VALUE : stored;
        this.judgedThrough = Long.MIN_VALUE;
        this.closeCursor = null;
        this.sweepCursor = null;
        this.sweepAsOf = Long.MIN_VALUE;
        context.schedule(PUNCTUATION_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> punctuate());
    }

    @Override
    public void process(Record<String, LoginEvent> record) {
        LoginEvent event = record.value();
        long at = event.getOccurredAt().toEpochMilli();
        eventClock.observe(at);
        advanceClosingTime();
        if (isTokenFailure(event)) {
            count(record.key(), event.getTokenId(), at);
        }
        int judged = closeWindows(MAX_CLOSED_PER_RECORD);
        if (judged > 0) {
            sweepBaselines(judged * SWEPT_PER_CLOSED_WINDOW);
        }
    }

    /** Wall-clock time passing can close windows (the wall-clock bound moved), and quiet partitions still sweep. */
    private void punctuate() {
        advanceClosingTime();
        closeWindows(MAX_CLOSED_PER_PUNCTUATION);
        sweepBaselines(MAX_SWEPT_PER_PUNCTUATION);
    }

    private void advanceClosingTime() {
        long candidate = Math.min(eventClock.median(), wallClock.millis());
        if (candidate > closingTime) {
            closingTime = candidate;
            counts.put(WindowKeys.CLOSING_TIME, closingTime);
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
            metrics.spikeFailureDropped(SpikeDropReason.WINDOW_CLOSED);
            log.debug(
                    "Dropped a failure {} ms after its window closed (grace {} ms)",
                    closingTime - start - windowMillis - graceMillis,
                    graceMillis);
            return;
        }
        increment(WindowKeys.window(start, WindowKeys.accountScope(account)));
        increment(WindowKeys.window(start, WindowKeys.tokenScope(account, token)));
    }

    private boolean isClosed(long windowStart) {
        return closingTime != Long.MIN_VALUE && windowStart + windowMillis + graceMillis <= closingTime;
    }

    private void increment(String windowKey) {
        Long n = counts.get(windowKey);
        counts.put(windowKey, n == null ? 1L : n + 1);
    }

    /** The start of the last window the closing time has closed; Long.MIN_VALUE while none has. */
    private long lastClosableStart() {
        return closingTime == Long.MIN_VALUE ? Long.MIN_VALUE : closingTime - windowMillis - graceMillis;
    }

    /**
     * Judges, in window order, at most {@code budget} of the windows the closing time has closed
     * and forgets them.
     *
     * @return how many windows were judged
     */
    private int closeWindows(int budget) {
        long lastClosable = lastClosableStart();
        if (lastClosable == Long.MIN_VALUE || lastClosable <= judgedThrough) {
            return 0;
        }
        List<KeyValue<String, Long>> batch = new ArrayList<>(Math.min(budget, MAX_CLOSED_PER_RECORD));
        boolean more;
        // Windows that may still count start after lastClosable, so their keys sort after every key scanned here.
        try (KeyValueIterator<String, Long> it = counts.range(
                closeCursor == null ? WindowKeys.first() : WindowKeys.after(closeCursor),
                WindowKeys.afterWindowsStartingAtOrBefore(lastClosable))) {
            while (batch.size() < budget && it.hasNext()) {
                batch.add(it.next());
            }
            more = it.hasNext();
        }
        for (KeyValue<String, Long> window : batch) {
            long start = WindowKeys.start(window.key);
            evaluate(WindowKeys.scope(window.key), start, window.value, start + windowMillis);
            counts.delete(window.key);
            closeCursor = window.key;
        }
        if (!more) {
            // Windows start at multiples of the size: none can be closable before the next start, so no scan until
            // then.
            judgedThrough = Math.floorDiv(lastClosable, windowMillis) * windowMillis + windowMillis - 1;
        }
        return batch.size();
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

    /**
     * Examines at most {@code budget} baselines, continuing the current pass, and deletes those that
     * have decayed to where they can no longer change a decision (see class comment). Only while
     * every closed window has been judged: a baseline is then judged as of the first open window,
     * the earliest it can still be read. A new pass starts once that window has moved on.
     */
    private void sweepBaselines(int budget) {
        long lastClosable = lastClosableStart();
        if (lastClosable == Long.MIN_VALUE || lastClosable > judgedThrough) {
            return; // closed windows are still waiting to be judged (or none has closed yet)
        }
        long firstOpen = judgedThrough + 1;
        if (sweepCursor == null) {
            if (firstOpen <= sweepAsOf) {
                return; // the last pass ran as of this window; nothing has decayed since
            }
            sweepAsOf = firstOpen;
        }
        List<String> negligible = new ArrayList<>();
        String last = null;
        int examined = 0;
        boolean more;
        try (KeyValueIterator<String, Baseline> it =
                sweepCursor == null ? baselines.all() : baselines.range(WindowKeys.after(sweepCursor), null)) {
            while (examined < budget && it.hasNext()) {
                KeyValue<String, Baseline> kv = it.next();
                examined++;
                last = kv.key;
                if (kv.value.decayedTo(sweepAsOf, windowMillis, alpha) < NEGLIGIBLE_BASELINE) {
                    negligible.add(kv.key);
                }
            }
            more = it.hasNext();
        }
        negligible.forEach(baselines::delete);
        sweepCursor = more ? last : null;
    }
}
