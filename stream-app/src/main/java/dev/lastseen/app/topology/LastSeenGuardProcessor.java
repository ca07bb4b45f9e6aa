package dev.lastseen.app.topology;

import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.state.BoundedSweep;
import dev.lastseen.state.LastSeenGuard;
import dev.lastseen.state.StoreNames;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The last step before {@code token-last-seen}: patches arrive here repartitioned by token id,
 * so every patch of a token — from whichever account it is in or was in — passes through one
 * guard, which forwards only those that advance the token's last-seen ({@link LastSeenGuard}).
 */
final class LastSeenGuardProcessor implements Processor<String, TokenLastSeen, String, TokenLastSeen> {
    private final LastseenMetrics metrics;
    private final Clock clock;
    private final Duration retention;
    private ProcessorContext<String, TokenLastSeen> context;
    private LastSeenGuard guard;
    private String sweepResumeAfter;

    LastSeenGuardProcessor(LastseenMetrics metrics, Clock clock, Duration retention) {
        this.metrics = metrics;
        this.clock = clock;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, TokenLastSeen> context) {
        this.context = context;
        this.guard = new LastSeenGuard(context.getStateStore(StoreNames.LAST_SEEN_GUARD));
        if (!retention.isZero()) {
            context.schedule(UsageProcessor.SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
        }
    }

    private void sweep() {
        BoundedSweep.Pass<String> pass =
                guard.expire(sweepResumeAfter, clock.millis() - retention.toMillis(), UsageProcessor.SWEEP_BUDGET);
        sweepResumeAfter = pass.resumeAfter();
    }

    @Override
    public void process(Record<String, TokenLastSeen> record) {
        TokenLastSeen patch = record.value();
        if (guard.advance(patch.getTokenId(), patch.getLastSeenAt().toEpochMilli())) {
            context.forward(record);
            metrics.patchEmitted();
        }
    }
}
