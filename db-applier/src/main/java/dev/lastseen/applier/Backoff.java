package dev.lastseen.applier;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, bounded: the n-th wait is uniform in
 * [initial/2, min(max, initial * 2^n)], so many appliers losing the database at once do not
 * come back in lock-step. {@link #reset()} after a success.
 */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private int failures;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The wait before the next attempt; each call counts one more failure. */
    Duration next() {
        long ceiling = initialMillis << Math.min(failures, 30);
        if (ceiling <= 0 || ceiling > maxMillis) {
            ceiling = maxMillis;
        }
        failures++;
        long floor = Math.min(initialMillis / 2, ceiling);
        return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }
}
