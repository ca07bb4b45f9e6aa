package dev.lastseen.app.config;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/** How long {@code lastseen run} keeps state that nothing refreshes, and how much of it. */
public final class UsageConfig {
    public static final String NEVER_SEEN_RETENTION_MS = "lastseen.usage.never-seen.retention.ms";
    public static final String RETIRED_RETENTION_MS = "lastseen.usage.retired.retention.ms";
    public static final String GUARD_RETENTION_MS = "lastseen.last-seen.guard.retention.ms";
    public static final String NEVER_SEEN_MAX_ENTRIES = "lastseen.usage.never-seen.max.entries";
    public static final String TRAILING_MAX_ENTRIES = "lastseen.last-seen.trailing.max.entries";

    private UsageConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        NEVER_SEEN_RETENTION_MS,
                        ConfigDef.Type.LONG,
                        7L * 86_400_000,
                        Range.between(0, 3_650L * 86_400_000),
                        Importance.MEDIUM,
                        "Usage of a token id that never authenticated successfully is deleted this long after its last failure "
                                + "(failures for unknown ids would otherwise grow state at the rate they arrive); 0 keeps it forever.")
                .define(
                        RETIRED_RETENTION_MS,
                        ConfigDef.Type.LONG,
                        30L * 86_400_000,
                        Range.between(0, 3_650L * 86_400_000),
                        Importance.MEDIUM,
                        "Usage of a token the registry deleted or moved to another account stays readable this long after the delete/move, "
                                + "then is deleted; 0 keeps it forever.")
                .define(
                        GUARD_RETENTION_MS,
                        ConfigDef.Type.LONG,
                        30L * 86_400_000,
                        Range.between(0, 3_650L * 86_400_000),
                        Importance.LOW,
                        "token-last-seen never moves backwards for a token: the last patched last_seen_at of each token is remembered this "
                                + "long after it (an event arriving later than this could move the topic back); 0 keeps it forever.")
                .define(
                        NEVER_SEEN_MAX_ENTRIES,
                        ConfigDef.Type.LONG,
                        1_000_000L,
                        Range.between(100, 1_000_000_000),
                        Importance.MEDIUM,
                        "Most usage entries of token ids that never authenticated successfully that one task (account partition) keeps; "
                                + "past it, each new one evicts the one with the oldest last failure (a hard bound on what a flood of "
                                + "failed logins with random token ids can grow).")
                .define(
                        TRAILING_MAX_ENTRIES,
                        ConfigDef.Type.LONG,
                        1_000_000L,
                        Range.between(100, 1_000_000_000),
                        Importance.LOW,
                        "Most tokens one task (account partition) keeps waiting for a trailing patch (a last-seen the granularity "
                                + "held back, published once the token has been quiet for the granularity); past it a held-back value "
                                + "waits for the token's next regular patch and lastseen_patches_trailing_dropped_total counts it.");
    }

    public static LastseenConfig.RetentionSettings from(AbstractConfig c) {
        return new LastseenConfig.RetentionSettings(
                Duration.ofMillis(c.getLong(NEVER_SEEN_RETENTION_MS)),
                Duration.ofMillis(c.getLong(RETIRED_RETENTION_MS)),
                Duration.ofMillis(c.getLong(GUARD_RETENTION_MS)));
    }

    /** Most usage entries of never-successful token ids per task (the oldest are evicted). */
    public static long neverSeenMaxEntries(AbstractConfig c) {
        return c.getLong(NEVER_SEEN_MAX_ENTRIES);
    }

    /** Most tokens per task waiting for a trailing patch (more are not indexed, and counted). */
    public static long trailingMaxEntries(AbstractConfig c) {
        return c.getLong(TRAILING_MAX_ENTRIES);
    }
}
