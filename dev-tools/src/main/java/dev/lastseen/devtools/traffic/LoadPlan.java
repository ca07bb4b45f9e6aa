package dev.lastseen.devtools.traffic;

import java.time.Duration;

/**
 * How much login traffic to produce and how fast.
 *
 * @param ratePerSecond target logins a second, or {@link #AS_FAST_AS_POSSIBLE}
 * @param count         logins to produce, or {@link #UNBOUNDED}
 * @param duration      how long to produce, or null for no time limit
 */
public record LoadPlan(long ratePerSecond, long count, Duration duration) {
    public static final long AS_FAST_AS_POSSIBLE = 0;
    public static final long UNBOUNDED = -1;
    public static final long MAX_RATE = 10_000_000;
    public static final long MAX_COUNT = 10_000_000_000L;
    public static final Duration MAX_DURATION = Duration.ofDays(7);

    public LoadPlan {
        if (ratePerSecond < 0 || ratePerSecond > MAX_RATE) {
            throw new IllegalArgumentException(
                    "rate must be between 1 and " + MAX_RATE + " (or as fast as possible), was " + ratePerSecond);
        }
        if (count != UNBOUNDED && (count < 0 || count > MAX_COUNT)) {
            throw new IllegalArgumentException("count must be between 0 and " + MAX_COUNT + ", was " + count);
        }
        if (duration != null && (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0)) {
            throw new IllegalArgumentException(
                    "duration must be positive and at most " + MAX_DURATION + ", was " + duration);
        }
    }

    public boolean paced() {
        return ratePerSecond != AS_FAST_AS_POSSIBLE;
    }

    /** Logins the plan expects to produce in total, when it can tell (for an ETA); -1 otherwise. */
    public long expectedTotal() {
        if (count != UNBOUNDED) {
            return duration != null && paced()
                    ? Math.min(count, saturatingMultiply(ratePerSecond, duration.toSeconds()))
                    : count;
        }
        return duration != null && paced() ? saturatingMultiply(ratePerSecond, duration.toSeconds()) : -1;
    }

    private static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }
}
