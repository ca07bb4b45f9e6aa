package dev.lastseen.app.topology;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.state.NeverSeenIndex;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TrailingPatchIndex;
import dev.lastseen.state.UsageChange;
import dev.lastseen.state.UsageFields;
import dev.lastseen.state.UsagePatch;
import dev.lastseen.state.UsageWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The login path's writer: connected to the usage group's stores only (the usage store and its
 * index of never-successful entries), it records token usage and emits a TokenLastSeen patch
 * (keyed by token_id) when last-seen advances far enough. It also follows the registry's
 * lifecycle of each token in the account (token ids only), so usage of a deleted or moved-away
 * token expires a retention after the delete/move.
 *
 * <p>Trailing patches: an advance the granularity holds back is indexed ({@link TrailingPatchIndex}),
 * due one granularity later; a punctuation every {@link #trailingInterval} publishes the held-back
 * value of each due token that has been quiet for the granularity (no success within it), and
 * looks again later at one still in use. So {@code token-last-seen} converges to the exact last
 * login within about granularity + interval after it, while a busy token still gets at most one
 * patch per granularity.
 *
 * <p>Public only so that the JMH benchmarks in {@code bench/} can drive this hot path directly from
 * their own package; nothing outside the topology uses it otherwise.
 */
public final class UsageProcessor implements Processor<String, UsageCommand, String, TokenLastSeen> {
    /** How often, and how many entries at most, the expiry examines: bounded work per pass. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);

    static final int SWEEP_BUDGET = 10_000;

    private final Duration patchGranularity;
    private final LastseenMetrics metrics;
    private final Clock clock;
    private final LastseenConfig.RetentionSettings retention;
    private final long neverSeenMaxEntries;
    private final long trailingMaxEntries;
    private ProcessorContext<String, TokenLastSeen> context;
    private UsageWriter writer;
    private TrailingPatchIndex trailing;
    private TokenKey sweepResumeAfter;

    /**
     * @param retention           how long usage of never-successful token ids and of retired tokens is kept (0: forever)
     * @param neverSeenMaxEntries most such entries this task keeps; a new one past it evicts the oldest
     * @param trailingMaxEntries  most tokens this task keeps waiting for a trailing patch
     */
    public UsageProcessor(
            Duration patchGranularity,
            LastseenMetrics metrics,
            Clock clock,
            LastseenConfig.RetentionSettings retention,
            long neverSeenMaxEntries,
            long trailingMaxEntries) {
        this.patchGranularity = patchGranularity;
        this.metrics = metrics;
        this.clock = clock;
        this.retention = retention;
        this.neverSeenMaxEntries = neverSeenMaxEntries;
        this.trailingMaxEntries = trailingMaxEntries;
    }

    /**
     * How often held-back values are looked at: the granularity, between 1 s and the sweeps'
     * {@link #SWEEP_INTERVAL}, so that the trailing patch adds little to the granularity's delay.
     */
    static Duration trailingInterval(Duration patchGranularity) {
        Duration atLeast =
                patchGranularity.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : patchGranularity;
        return atLeast.compareTo(SWEEP_INTERVAL) > 0 ? SWEEP_INTERVAL : atLeast;
    }

    @Override
    public void init(ProcessorContext<String, TokenLastSeen> context) {
        this.context = context;
        NeverSeenIndex neverSeen =
                new NeverSeenIndex(context.getStateStore(StoreNames.TOKEN_USAGE_NEVER_SEEN), neverSeenMaxEntries);
        this.writer = new UsageWriter(
                context.getStateStore(StoreNames.TOKEN_USAGE), neverSeen, patchGranularity, metrics::neverSeenEvicted);
        if (!retention.neverSeen().isZero() || !retention.retired().isZero()) {
            context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
        }
        this.trailing =
                new TrailingPatchIndex(context.getStateStore(StoreNames.TOKEN_USAGE_TRAILING), trailingMaxEntries);
        if (patchGranularity.isPositive()) { // a zero granularity holds nothing back
            context.schedule(
                    trailingInterval(patchGranularity), PunctuationType.WALL_CLOCK_TIME, now -> publishTrailing());
        }
    }

    /** One bounded pass over the held-back values now due (at most {@link #SWEEP_BUDGET}). */
    private void publishTrailing() {
        long now = clock.millis();
        trailing.due(now, SWEEP_BUDGET, (key, lastPatchedAtWhenHeld) -> {
            UsageWriter.Trailing t = writer.trailingPatch(key, lastPatchedAtWhenHeld, now);
            if (t.patch() != null) {
                metrics.trailingPatch();
                context.forward(new Record<>(t.patch().tokenId(), toRecord(t.patch()), now));
            }
            return t.dueAgain();
        });
    }

    /** One bounded pass of the expiry; successive passes walk the whole store. */
    private void sweep() {
        long now = clock.millis();
        UsageWriter.Sweep sweep = writer.expire(
                sweepResumeAfter, cutoff(now, retention.neverSeen()), cutoff(now, retention.retired()), SWEEP_BUDGET);
        sweepResumeAfter = sweep.resumeAfter();
        metrics.usageExpired(sweep.neverSeenExpired(), sweep.retiredExpired());
    }

    private static long cutoff(long now, Duration retention) {
        return retention.isZero() ? UsageFields.NEVER : now - retention.toMillis();
    }

    @Override
    public void process(Record<String, UsageCommand> record) {
        UsageCommand command = record.value();
        if (command instanceof UsageCommand.Login login) {
            recordLogin(record, login.event());
        } else if (command instanceof UsageCommand.Retired retired) {
            // The delete's own time (so a replayed old delete is not kept longer), never later than now.
            writer.retire(new TokenKey(record.key(), retired.tokenId()), Math.min(record.timestamp(), clock.millis()));
        } else if (command instanceof UsageCommand.Registered registered) {
            writer.restore(new TokenKey(record.key(), registered.tokenId()));
        }
    }

    private void recordLogin(Record<String, UsageCommand> record, LoginEvent event) {
        metrics.event(event.getCredentialType(), event.getOutcome());
        if (!LoginEventValidator.isTokenCredential(event.getCredentialType())) {
            return; // user sessions and others count in the totals but have no token to track
        }
        TokenKey key = new TokenKey(record.key(), event.getTokenId());
        long occurredAt = event.getOccurredAt().toEpochMilli();
        if (event.getOutcome() == AuthOutcome.FAILURE) {
            writer.recordFailure(key, occurredAt);
            return;
        }
        UsageChange change = writer.recordSuccess(key, occurredAt, event.getColo(), event.getClientIp());
        if (change.lastSeenAdvanced()) {
            metrics.lastSeenAdvanced();
            metrics.freshness(occurredAt, clock.millis());
        }
        UsagePatch patch = change.patch();
        if (patch != null) {
            context.forward(new Record<>(patch.tokenId(), toRecord(patch), record.timestamp(), record.headers()));
        } else if (change.startedHolding()
                && !trailing.hold(key, change.after().lastPatchedAt(), clock.millis() + patchGranularity.toMillis())) {
            metrics.trailingDropped();
        }
    }

    private static TokenLastSeen toRecord(UsagePatch patch) {
        return new TokenLastSeen(
                patch.tokenId(),
                patch.accountId(),
                Instant.ofEpochMilli(patch.lastSeenAt()),
                patch.lastSeenColo(),
                patch.lastSeenIp());
    }
}
