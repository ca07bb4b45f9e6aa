package dev.lastseen.app.config;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/** What {@code lastseen run} accepts as input and how often it patches token-last-seen. */
public final class InputConfig {
    public static final String PATCH_GRANULARITY_MS = "lastseen.last-seen.granularity.ms";
    public static final String CLOCK_SKEW_ALLOWANCE_MS = "lastseen.clock-skew.allowance.ms";
    public static final String MAX_RECORD_BYTES = "lastseen.input.max.record.bytes";

    /**
     * @param patchGranularity   how far last_seen_at must advance past the last patch for a new one
     * @param clockSkewAllowance how far into the future an event may be dated
     */
    public record Settings(Duration patchGranularity, Duration clockSkewAllowance, InputBounds bounds) {}

    private InputConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        PATCH_GRANULARITY_MS,
                        ConfigDef.Type.LONG,
                        60_000L,
                        Range.between(0, 86_400_000),
                        Importance.MEDIUM,
                        "A TokenLastSeen patch is emitted on a token's first sighting and when last_seen_at advances at least this much past the last patch.")
                .define(
                        CLOCK_SKEW_ALLOWANCE_MS,
                        ConfigDef.Type.LONG,
                        300_000L,
                        Range.between(0, 86_400_000),
                        Importance.MEDIUM,
                        "Events dated further than this into the future are rejected (they would pin last-seen).")
                .define(
                        MAX_RECORD_BYTES,
                        ConfigDef.Type.INT,
                        16 * 1024,
                        Range.between(64, 1024 * 1024),
                        Importance.MEDIUM,
                        "Largest accepted input record value, in bytes.");
    }

    public static Settings from(AbstractConfig c) {
        InputBounds d = InputBounds.DEFAULTS;
        InputBounds bounds = new InputBounds(
                c.getInt(MAX_RECORD_BYTES),
                d.maxEventIdLength(),
                d.maxFailureReasonLength(),
                d.maxColoLength(),
                d.maxClientIpLength(),
                d.maxNameLength(),
                d.maxClientIdLength(),
                d.maxSecretHashLength());
        return new Settings(
                Duration.ofMillis(c.getLong(PATCH_GRANULARITY_MS)),
                Duration.ofMillis(c.getLong(CLOCK_SKEW_ALLOWANCE_MS)),
                bounds);
    }
}
