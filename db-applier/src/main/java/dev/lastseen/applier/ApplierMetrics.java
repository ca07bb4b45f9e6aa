package dev.lastseen.applier;

import dev.lastseen.serde.PatchRejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The applier's metrics, registered on the registry the caller passes (the command's
 * Prometheus registry). Every label value comes from an enum; every meter exists at zero from
 * start-up. Prometheus names: {@code lastseen_apply_rows_total{outcome}},
 * {@code lastseen_apply_batch_seconds} (histogram), {@code lastseen_apply_lag_records},
 * {@code lastseen_apply_failures_total{kind}}, {@code lastseen_apply_dlq_records_total{reason}},
 * {@code lastseen_apply_freshness_seconds} (histogram), {@code lastseen_apply_ready}.
 */
public final class ApplierMetrics {
    /** What happened to one patch that reached the database. */
    public enum RowOutcome {
        /** The row was written: its last_seen_at moved forward (or the row was created). */
        APPLIED,
        /** The row already had this or a later last_seen_at (a replay, a duplicate, an older patch). */
        UNCHANGED,
        /** No such token in the tokens table: counted, not written. */
        UNKNOWN_TOKEN
    }

    /** What failed and made a batch wait and retry (never skipped, never dead-lettered). */
    public enum FailureKind {
        DATABASE,
        REGISTRY,
        DEAD_LETTER_TOPIC,
        OFFSET_COMMIT
    }

    private final Map<RowOutcome, Counter> rows = new EnumMap<>(RowOutcome.class);
    private final Map<FailureKind, Counter> failures = new EnumMap<>(FailureKind.class);
    private final Map<PatchRejectReason, Counter> deadLettered = new EnumMap<>(PatchRejectReason.class);
    private final Timer batch;
    private final Timer freshness;
    private final AtomicLong lag = new AtomicLong();

    public ApplierMetrics(MeterRegistry registry, ApplierHealth health) {
        for (RowOutcome o : RowOutcome.values()) {
            rows.put(
                    o,
                    Counter.builder("lastseen.apply.rows")
                            .description("Patches that reached the database, by outcome")
                            .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                            .register(registry));
        }
        for (FailureKind k : FailureKind.values()) {
            failures.put(
                    k,
                    Counter.builder("lastseen.apply.failures")
                            .description("Batch attempts that failed and will be retried, by what failed")
                            .tag("kind", k.name().toLowerCase(java.util.Locale.ROOT))
                            .register(registry));
        }
        for (PatchRejectReason r : PatchRejectReason.values()) {
            deadLettered.put(
                    r,
                    Counter.builder("lastseen.apply.dlq.records")
                            .description("Patches sent to the apply dead-letter topic, by reason")
                            .tag("reason", r.code())
                            .register(registry));
        }
        batch = Timer.builder("lastseen.apply.batch")
                .description("Time to apply one batch: decode, database transaction, offset commit")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
        freshness = Timer.builder("lastseen.apply.freshness")
                .description("From a patch's last_seen_at (the login) to its committed row")
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofSeconds(2))
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
        Gauge.builder("lastseen.apply.lag.records", lag, AtomicLong::get)
                .description("Patches on the assigned partitions not yet committed to the database")
                .register(registry);
        Gauge.builder("lastseen.apply.ready", health, h -> h.isReady() ? 1 : 0)
                .description("1 while the applier is ready (applying)")
                .register(registry);
    }

    void rows(RowOutcome outcome, long n) {
        rows.get(outcome).increment((double) n);
    }

    void failure(FailureKind kind) {
        failures.get(kind).increment();
    }

    void deadLettered(PatchRejectReason reason) {
        deadLettered.get(reason).increment();
    }

    void batch(long nanos) {
        batch.record(nanos, TimeUnit.NANOSECONDS);
    }

    void freshness(long millis) {
        freshness.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    void lag(long records) {
        lag.set(records);
    }
}
