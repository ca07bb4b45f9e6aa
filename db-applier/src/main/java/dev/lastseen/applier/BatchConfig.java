package dev.lastseen.applier;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;

/** How {@code lastseen apply} batches patches into transactions and retries failed ones. */
public final class BatchConfig {
    public static final String BATCH_MAX_RECORDS = "lastseen.apply.batch.max.records";
    public static final String BATCH_LINGER_MS = "lastseen.apply.batch.linger.ms";
    public static final String RETRY_BACKOFF_MS = "lastseen.apply.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "lastseen.apply.retry.backoff.max.ms";

    private BatchConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        BATCH_MAX_RECORDS,
                        ConfigDef.Type.INT,
                        2_000,
                        Range.between(1, 100_000),
                        Importance.MEDIUM,
                        "Most records per database transaction.")
                .define(
                        BATCH_LINGER_MS,
                        ConfigDef.Type.LONG,
                        200L,
                        Range.between(0, 60_000),
                        Importance.MEDIUM,
                        "A batch is applied at the latest this long after its first record arrived.")
                .define(
                        RETRY_BACKOFF_MS,
                        ConfigDef.Type.LONG,
                        500L,
                        Range.between(10, 60_000),
                        Importance.LOW,
                        "First wait before retrying a batch the database (or registry, or DLQ) failed; doubles with jitter.")
                .define(
                        RETRY_BACKOFF_MAX_MS,
                        ConfigDef.Type.LONG,
                        30_000L,
                        Range.between(10, 600_000),
                        Importance.LOW,
                        "Longest wait between retries.");
    }

    public static ApplierConfig.Batching from(AbstractConfig c) {
        long backoff = c.getLong(RETRY_BACKOFF_MS);
        long backoffMax = c.getLong(RETRY_BACKOFF_MAX_MS);
        if (backoffMax < backoff) {
            throw new ConfigException(
                    RETRY_BACKOFF_MAX_MS,
                    backoffMax,
                    "must not be less than " + RETRY_BACKOFF_MS + " (" + backoff + ")");
        }
        ApplierConfig.Batching batching = new ApplierConfig.Batching(
                c.getInt(BATCH_MAX_RECORDS),
                Duration.ofMillis(c.getLong(BATCH_LINGER_MS)),
                Duration.ofMillis(backoff),
                Duration.ofMillis(backoffMax));
        return batching;
    }
}
