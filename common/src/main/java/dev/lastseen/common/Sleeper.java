package dev.lastseen.common;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Pauses a retry loop between attempts; tests pass one that records the waits instead. */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps the calling thread. */
    Sleeper REAL = delay -> TimeUnit.NANOSECONDS.sleep(delay.toNanos());

    void sleep(Duration delay) throws InterruptedException;
}
