package dev.lastseen.app.topology;

import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.state.NeverSeenIndex;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageChange;
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
 * (keyed by token_id) when last-seen advances far enough.
 *
 * <p>Public only so that the JMH benchmarks in {@code bench/} can drive this hot path directly from
 * their own package; nothing outside the topology uses it otherwise.
 */
public final class UsageProcessor implements Processor<String, AccountCommand, String, TokenLastSeen> {
    private final Duration patchGranularity;
    private final LastseenMetrics metrics;
    /** How often, and how many entries at most, the never-seen expiry examines: bounded work per pass. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);

    static final int SWEEP_BUDGET = 10_000;

    private final Clock clock;
    private final Duration neverSeenRetention;
    private final long neverSeenMaxEntries;
    private ProcessorContext<String, TokenLastSeen> context;
    private UsageWriter writer;
    private TokenKey sweepResumeAfter;

    /**
     * @param neverSeenRetention  how long usage of a never-successful token id is kept after its last failure (0: forever)
     * @param neverSeenMaxEntries most such entries this task keeps; a new one past it evicts the oldest
     */
    public UsageProcessor(
            Duration patchGranularity,
            LastseenMetrics metrics,
            Clock clock,
            Duration neverSeenRetention,
            long neverSeenMaxEntries) {
        this.patchGranularity = patchGranularity;
        this.metrics = metrics;
        this.clock = clock;
        this.neverSeenRetention = neverSeenRetention;
        this.neverSeenMaxEntries = neverSeenMaxEntries;
    }

    @Override
    public void init(ProcessorContext<String, TokenLastSeen> context) {
        this.context = context;
        NeverSeenIndex neverSeen =
                new NeverSeenIndex(context.getStateStore(StoreNames.TOKEN_USAGE_NEVER_SEEN), neverSeenMaxEntries);
        this.writer = new UsageWriter(
                context.getStateStore(StoreNames.TOKEN_USAGE), neverSeen, patchGranularity, metrics::neverSeenEvicted);
        if (!neverSeenRetention.isZero()) {
            context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
        }
    }

    /** One bounded pass of the never-seen expiry; successive passes walk the whole store. */
    private void sweep() {
        UsageWriter.Sweep sweep =
                writer.expireNeverSeen(sweepResumeAfter, clock.millis() - neverSeenRetention.toMillis(), SWEEP_BUDGET);
        sweepResumeAfter = sweep.resumeAfter();
        if (sweep.expired() > 0) {
            metrics.neverSeenExpired(sweep.expired());
        }
    }

    @Override
    public void process(Record<String, AccountCommand> record) {
        LoginEvent event = ((AccountCommand.Login) record.value()).event();
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
            TokenLastSeen value = new TokenLastSeen(
                    patch.tokenId(),
                    patch.accountId(),
                    Instant.ofEpochMilli(patch.lastSeenAt()),
                    patch.lastSeenColo(),
                    patch.lastSeenIp());
            context.forward(record.withKey(patch.tokenId()).withValue(value));
            metrics.patchEmitted();
        }
    }
}
