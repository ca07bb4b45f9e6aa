package dev.lastseen.devtools.traffic;

import dev.lastseen.avro.LoginEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drives a {@link TrafficSink}: the registry records of the whole fleet first (so the
 * application knows the tokens before their logins arrive), then logins at the plan's rate
 * (or as fast as the sink takes them) until the count, the duration or {@link #stop()}.
 * Reports a progress line about once a second.
 */
public final class LoadGenerator {
    /** Pacing sleeps at most this long at a time, so progress and stop stay responsive. */
    private static final long MAX_PARK_NANOS = 50_000_000L;

    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

    /** What a run did. */
    public record Result(
            long registryRecords, long logins, long acked, long failed, String firstFailure, Duration loginElapsed) {
        public double loginsPerSecond() {
            return logins / Math.max(loginElapsed.toNanos() / 1e9, 1e-9);
        }
    }

    private final SyntheticTraffic traffic;
    private final TrafficSink sink;
    private final Consumer<String> progress;
    private volatile boolean stopped;

    /** @param progress receives a progress line about once a second */
    public LoadGenerator(SyntheticTraffic traffic, TrafficSink sink, Consumer<String> progress) {
        this.traffic = traffic;
        this.sink = sink;
        this.progress = progress;
    }

    /** Ends the run at the next record (e.g. from a shutdown hook). */
    public void stop() {
        stopped = true;
    }

    public Result run(LoadPlan plan, boolean publishRegistry) {
        long registry = publishRegistry ? publishRegistry() : 0;
        long start = System.nanoTime();
        long deadline = plan.duration() == null
                ? Long.MAX_VALUE
                : start + plan.duration().toNanos();
        double nanosPerEvent = plan.paced() ? 1e9 / plan.ratePerSecond() : 0;
        long expected = plan.expectedTotal();
        long nextProgress = start + PROGRESS_EVERY_NANOS;
        long lastProgressCount = 0;
        long lastProgressAt = start;
        long sent = 0;
        while (!stopped && (plan.count() == LoadPlan.UNBOUNDED || sent < plan.count())) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            if (now - nextProgress >= 0) {
                double recent = (sent - lastProgressCount) / ((now - lastProgressAt) / 1e9);
                progress.accept(Progress.line(
                        sent,
                        sink.acked() - registry,
                        recent,
                        Duration.ofNanos(now - start),
                        expected,
                        deadline == Long.MAX_VALUE ? null : Duration.ofNanos(deadline - now)));
                lastProgressCount = sent;
                lastProgressAt = now;
                nextProgress = now + PROGRESS_EVERY_NANOS;
            }
            if (plan.paced()) {
                long due = start + (long) (sent * nanosPerEvent);
                if (due - now > 0) {
                    LockSupport.parkNanos(Math.min(due - now, MAX_PARK_NANOS));
                    continue;
                }
            }
            LoginEvent e = traffic.next(Instant.now());
            sink.login(e.getAccountId(), e);
            sent++;
        }
        sink.flush();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Result(registry, sent, sink.acked(), sink.failed(), sink.firstFailure(), elapsed);
    }

    private long publishRegistry() {
        Instant created = Instant.now().minus(Duration.ofDays(30));
        int n = traffic.settings().tokens();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
        for (int i = 0; i < n && !stopped; i++) {
            SyntheticTraffic.Token t = traffic.token(i);
            sink.registry(t.tokenId(), traffic.registryRecord(t, created));
            if (System.nanoTime() - nextProgress >= 0) {
                progress.accept("loadgen: registry records " + (i + 1) + " of " + n + " sent");
                nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
            }
        }
        sink.flush();
        return sink.acked();
    }
}
