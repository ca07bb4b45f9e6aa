package dev.lastseen.common;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff, the one every retry loop of lastseen uses: retry {@code n} (0-based) waits
 * {@code min(max, initial * 2^n)}. With {@linkplain #withJitter() jitter} ("equal jitter") it waits a
 * uniform time between half and all of that, so many clients losing the same server at once do not
 * come back in lock-step. Immutable and thread-safe; {@link #attempts()} gives the mutable count of
 * one retry loop.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final boolean jitter;

    private Backoff(Duration initial, Duration max, boolean jitter) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "max backoff (" + max + ") must not be less than the initial backoff (" + initial + ")");
        }
        this.initial = initial;
        this.max = max;
        this.jitter = jitter;
    }

    /** Doubling from {@code initial} up to {@code max}, without jitter. */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, false);
    }

    /** The same growth, each wait drawn uniformly from the upper half of its ceiling. */
    public Backoff withJitter() {
        return new Backoff(initial, max, true);
    }

    public Duration initial() {
        return initial;
    }

    public Duration max() {
        return max;
    }

    /** The wait before retry {@code retry} (0-based); never above {@link #max()}, whatever the retry. */
    public Duration delay(int retry) {
        if (retry < 0) {
            throw new IllegalArgumentException("retry must not be negative, got " + retry);
        }
        long first = initial.toNanos();
        long ceiling = max.toNanos();
        long grown = retry >= 62 || first > (ceiling >> retry) ? ceiling : Math.min(ceiling, first << retry);
        if (!jitter) {
            return Duration.ofNanos(grown);
        }
        long half = grown / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(grown - half + 1));
    }

    /**
     * The wait before retry {@code retry}, but at least {@code atLeast} (e.g. a server's
     * {@code Retry-After}), still never above {@link #max()}.
     */
    public Duration delay(int retry, Duration atLeast) {
        Duration delay = delay(retry);
        if (atLeast == null || atLeast.compareTo(delay) <= 0) {
            return delay;
        }
        return atLeast.compareTo(max) > 0 ? max : atLeast;
    }

    /** A fresh count of failed attempts for one retry loop. */
    public Attempts attempts() {
        return new Attempts();
    }

    @Override
    public String toString() {
        return "Backoff[" + initial + " doubling to " + max + (jitter ? ", equal jitter" : "") + "]";
    }

    /** The failures of one retry loop so far; not thread-safe (one loop, one thread). */
    public final class Attempts {
        private int failures;

        private Attempts() {}

        /** Counts one more failure and returns the wait before the next attempt. */
        public Duration next() {
            return delay(failures++);
        }

        /** Failures since the start or the last {@link #reset()}. */
        public int failures() {
            return failures;
        }

        /** After a success: the next failure waits {@link #initial()} again. */
        public void reset() {
            failures = 0;
        }
    }
}
