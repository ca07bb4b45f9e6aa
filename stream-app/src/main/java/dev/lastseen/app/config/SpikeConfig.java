package dev.lastseen.app.config;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/** Failure-spike detection: window, grace, default thresholds and the per-account thresholds file. */
public final class SpikeConfig {
    public static final String SPIKE_WINDOW_MS = "lastseen.spike.window.ms";
    public static final String SPIKE_GRACE_MS = "lastseen.spike.grace.ms";
    public static final String SPIKE_MINIMUM = "lastseen.spike.minimum";
    public static final String SPIKE_FACTOR = "lastseen.spike.factor";
    public static final String SPIKE_BASELINE_ALPHA = "lastseen.spike.baseline.alpha";
    public static final String THRESHOLDS_FILE = "lastseen.thresholds.file";
    public static final String THRESHOLDS_POLL_MS = "lastseen.thresholds.poll.ms";

    private SpikeConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        SPIKE_WINDOW_MS,
                        ConfigDef.Type.LONG,
                        60_000L,
                        Range.between(1_000, 3_600_000),
                        Importance.MEDIUM,
                        "Failure-spike window size.")
                .define(
                        SPIKE_GRACE_MS,
                        ConfigDef.Type.LONG,
                        30_000L,
                        Range.between(0, 3_600_000),
                        Importance.MEDIUM,
                        "How late a failure may arrive and still count in its window.")
                .define(
                        SPIKE_MINIMUM,
                        ConfigDef.Type.LONG,
                        20L,
                        Range.between(1, 1_000_000),
                        Importance.MEDIUM,
                        "Default minimum failures per window for a spike.")
                .define(
                        SPIKE_FACTOR,
                        ConfigDef.Type.DOUBLE,
                        3.0,
                        Range.between(1.0, 1000.0),
                        Importance.MEDIUM,
                        "Default factor over the baseline for a spike.")
                .define(
                        SPIKE_BASELINE_ALPHA,
                        ConfigDef.Type.DOUBLE,
                        0.2,
                        Range.between(0.001, 1.0),
                        Importance.LOW,
                        "Weight of the newest window in the moving-average baseline.")
                .define(
                        THRESHOLDS_FILE,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.MEDIUM,
                        "Per-account spike thresholds (JSON), reloaded when it changes.")
                .define(
                        THRESHOLDS_POLL_MS,
                        ConfigDef.Type.LONG,
                        5_000L,
                        Range.between(100, 3_600_000),
                        Importance.LOW,
                        "How often the thresholds file is checked for changes.");
    }

    public static LastseenConfig.SpikeSettings from(AbstractConfig c) {
        return new LastseenConfig.SpikeSettings(
                Duration.ofMillis(c.getLong(SPIKE_WINDOW_MS)),
                Duration.ofMillis(c.getLong(SPIKE_GRACE_MS)),
                c.getLong(SPIKE_MINIMUM),
                c.getDouble(SPIKE_FACTOR),
                c.getDouble(SPIKE_BASELINE_ALPHA),
                c.getString(THRESHOLDS_FILE),
                Duration.ofMillis(c.getLong(THRESHOLDS_POLL_MS)));
    }
}
