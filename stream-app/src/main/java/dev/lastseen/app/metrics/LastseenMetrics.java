package dev.lastseen.app.metrics;

import dev.lastseen.app.errors.DeadLetterCounter;
import dev.lastseen.app.errors.FailureKind;
import dev.lastseen.app.errors.SinkFailureCounter;
import dev.lastseen.app.errors.TaskFailureCounter;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.serde.InputRejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * lastseen's own metrics (the contract's names once exported to Prometheus). Every label
 * value comes from an enum, so label sets are bounded: no per-token or per-account labels.
 * Meters are created up front, so each appears at zero before its first event.
 */
public final class LastseenMetrics implements DeadLetterCounter, TaskFailureCounter, SinkFailureCounter {
    /** Key under which the instance travels in the streams config to the error handlers. */
    public static final String STREAMS_CONFIG_KEY = DeadLetterCounter.STREAMS_CONFIG_KEY;

    private final Map<CredentialType, Map<AuthOutcome, Counter>> events = new EnumMap<>(CredentialType.class);
    private final Map<InputRejectReason, Counter> dlq = new EnumMap<>(InputRejectReason.class);
    private final Map<FailureKind, Counter> taskFailures = new EnumMap<>(FailureKind.class);
    private final Map<FailureKind, Counter> sinkFailures = new EnumMap<>(FailureKind.class);
    private final Counter restoredRecords;
    private final MultiGauge thresholdsInfo;
    private final Map<SpikeDropReason, Counter> spikeDropped = new EnumMap<>(SpikeDropReason.class);
    private final Counter lastSeenAdvanced;
    private final Counter patchesEmitted;
    private final Map<InputRejectReason, Counter> secretRejected = new EnumMap<>(InputRejectReason.class);
    private final Counter authFailureSpikes;
    private final Counter configRejected;
    private final Counter neverSeenExpired;
    private final Counter retiredExpired;
    private final Counter neverSeenEvicted;
    private final Counter trailingPatches;
    private final Counter trailingDropped;
    private final Timer freshness;

    public LastseenMetrics(MeterRegistry registry) {
        for (CredentialType type : CredentialType.values()) {
            Map<AuthOutcome, Counter> byOutcome = new EnumMap<>(AuthOutcome.class);
            for (AuthOutcome outcome : AuthOutcome.values()) {
                byOutcome.put(
                        outcome,
                        Counter.builder("lastseen.events")
                                .description("Valid login events processed")
                                .tag("credential_type", type.name())
                                .tag("outcome", outcome.name())
                                .register(registry));
            }
            events.put(type, byOutcome);
        }
        for (InputRejectReason reason : InputRejectReason.values()) {
            dlq.put(
                    reason,
                    byReason(
                            registry,
                            "lastseen.dlq.records",
                            "Input records sent to the dead-letter topic",
                            reason.code()));
        }
        for (SpikeDropReason reason : SpikeDropReason.values()) {
            spikeDropped.put(
                    reason,
                    byReason(
                            registry,
                            "lastseen.spike.failures.dropped",
                            "Failed token authentications not counted by spike detection, by reason",
                            reason.code()));
        }
        for (FailureKind kind : FailureKind.values()) {
            if (kind != FailureKind.BAD_RECORD) { // a bad record is dead-lettered, it never fails a task
                taskFailures.put(
                        kind,
                        Counter.builder("lastseen.task.failures")
                                .description(
                                        "Stream threads failed and replaced, by cause (the task's records are read"
                                                + " again; never dead-lettered unless the cause is unexpected and retries ran out)")
                                .tag("cause", kind.code())
                                .register(registry));
            }
        }
        for (FailureKind kind : FailureKind.values()) {
            sinkFailures.put(
                    kind,
                    Counter.builder("lastseen.sink.failures")
                            .description("Records that could not be serialized or sent to a sink, by cause (the task"
                                    + " fails or the send is retried; never dead-lettered)")
                            .tag("cause", kind.code())
                            .register(registry));
        }
        thresholdsInfo = MultiGauge.builder("lastseen.thresholds.info")
                .description("The failure-spike thresholds in force: source (file, last_known_good, defaults) and the"
                        + " first 12 hex digits of their SHA-256; one series, value 1")
                .register(registry);
        thresholdsInForce("defaults", null);
        restoredRecords = Counter.builder("lastseen.state.restored.records")
                .description("Changelog records restored into local state stores (a full restore after a crash shows as"
                        + " a jump of about the state's size)")
                .register(registry);
        lastSeenAdvanced = Counter.builder("lastseen.last.seen.advanced")
                .description("Times a token's last_seen_at moved forward")
                .register(registry);
        patchesEmitted = Counter.builder("lastseen.patches.emitted")
                .description("TokenLastSeen patches written")
                .register(registry);
        for (InputRejectReason reason : InputRejectReason.values()) {
            if (reason.isSecretRule()) {
                secretRejected.put(
                        reason,
                        byReason(
                                registry,
                                "lastseen.secret.rejected",
                                "service-tokens records rejected because client_secret_hash breaks the secret rule",
                                reason.code()));
            }
        }
        authFailureSpikes = Counter.builder("lastseen.auth.failure.spikes")
                .description("AuthFailureSpike alerts raised")
                .register(registry);
        neverSeenExpired = Counter.builder("lastseen.usage.never.seen.expired")
                .description(
                        "Usage entries of token ids that never authenticated successfully, expired after the retention")
                .register(registry);
        retiredExpired = Counter.builder("lastseen.usage.retired.expired")
                .description("Usage entries of tokens the registry deleted or moved away, expired after the retention")
                .register(registry);
        neverSeenEvicted = Counter.builder("lastseen.usage.never.seen.evicted")
                .description("Usage entries of token ids that never authenticated successfully, evicted (oldest last"
                        + " failure first) to keep a task under lastseen.usage.never-seen.max.entries")
                .register(registry);
        trailingPatches = Counter.builder("lastseen.patches.trailing")
                .description("Trailing patches: a token's last-seen that the granularity held back, published once the"
                        + " token was quiet for the granularity (before the last-seen guard)")
                .register(registry);
        trailingDropped = Counter.builder("lastseen.patches.trailing.dropped")
                .description("Held-back patches not indexed for a trailing patch because the task's index was at"
                        + " lastseen.last-seen.trailing.max.entries (published with the token's next regular patch)")
                .register(registry);
        configRejected = Counter.builder("lastseen.config.rejected")
                .description("Runtime configuration files rejected (last good kept)")
                .register(registry);
        freshness = Timer.builder("lastseen.freshness")
                .description("Event time to queryable state")
                // An exact bucket at the 1 s objective (ops/prometheus rules), besides the generated ones.
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofSeconds(1))
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    /** One counter of a family labelled by a bounded reason code. */
    private static Counter byReason(MeterRegistry registry, String name, String description, String reason) {
        return Counter.builder(name)
                .description(description)
                .tag("reason", reason)
                .register(registry);
    }

    public void event(CredentialType type, AuthOutcome outcome) {
        events.get(type).get(outcome).increment();
    }

    public void lastSeenAdvanced() {
        lastSeenAdvanced.increment();
    }

    public void patchEmitted() {
        patchesEmitted.increment();
    }

    @Override
    public void deadLettered(InputRejectReason reason) {
        dlq.get(reason).increment();
        if (reason.isSecretRule()) {
            secretRejected.get(reason).increment();
        }
    }

    @Override
    public void taskFailed(FailureKind kind) {
        Counter c = taskFailures.get(kind);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void sinkFailed(FailureKind kind) {
        sinkFailures.get(kind).increment();
    }

    public double sinkFailureCount(FailureKind kind) {
        return sinkFailures.get(kind).count();
    }

    public double taskFailureCount(FailureKind kind) {
        Counter c = taskFailures.get(kind);
        return c == null ? 0 : c.count();
    }

    /**
     * Names the thresholds in force (replaces the previous series).
     *
     * @param source file, last_known_good or defaults
     * @param sha256 the first hex digits of the content's SHA-256, or null for the defaults
     */
    public void thresholdsInForce(String source, String sha256) {
        thresholdsInfo.register(
                List.of(MultiGauge.Row.of(Tags.of("source", source, "sha256", sha256 == null ? "" : sha256), 1)), true);
    }

    /** Changelog records restored into a local store. */
    public void restored(long records) {
        restoredRecords.increment((double) records);
    }

    /** Usage entries deleted by the retention sweep: of never-successful token ids, and of deleted or moved-away tokens. */
    public void usageExpired(int neverSeen, int retired) {
        if (neverSeen > 0) {
            neverSeenExpired.increment(neverSeen);
        }
        if (retired > 0) {
            retiredExpired.increment(retired);
        }
    }

    /** Usage entries of never-successful token ids evicted to stay under the per-task cap. */
    public void neverSeenEvicted(int count) {
        neverSeenEvicted.increment(count);
    }

    /** A held-back last-seen published once its token was quiet for the granularity. */
    public void trailingPatch() {
        trailingPatches.increment();
    }

    /** A held-back last-seen that the full trailing index could not take. */
    public void trailingDropped() {
        trailingDropped.increment();
    }

    /** A failed token authentication that spike detection did not count, and why. */
    public void spikeFailureDropped(SpikeDropReason reason) {
        spikeDropped.get(reason).increment();
    }

    public void authFailureSpike() {
        authFailureSpikes.increment();
    }

    public void configRejected() {
        configRejected.increment();
    }

    /**
     * Records event time to queryable: from the event's {@code occurred_at} to the moment its
     * usage is written to the store, which is when interactive queries can read it (they read
     * through the store cache). It includes producer, broker and consumer delays and lag, so it is
     * what a caller of the API experiences. Negative values (clock skew within the allowance)
     * count as zero.
     */
    public void freshness(long eventTimeMillis, long nowMillis) {
        freshness.record(Duration.ofMillis(Math.max(0, nowMillis - eventTimeMillis)));
    }
}
