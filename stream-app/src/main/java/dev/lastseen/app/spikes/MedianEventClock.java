package dev.lastseen.app.spikes;

import java.util.Arrays;

/**
 * The median of the last {@code n} event times of a partition: a stream time that a minority of
 * events cannot drag forward. One event dated minutes ahead (a login service with a skewed clock,
 * or a forged {@code occurred_at} within the clock-skew allowance) moves the largest event time
 * at once, but the median only moves once more than half of the last {@code n} events agree.
 *
 * <p>Until {@code n} events have been seen it answers {@link Long#MIN_VALUE} (no opinion): a
 * fresh or restarted task waits for a full sample rather than trusting its first few events.
 * The sample is not persisted; after a restart the detector keeps its stored closing time and
 * the sample refills from new events.
 *
 * <p>Cost per event: O(n) — a binary search and an array shift in a sorted copy of the sample.
 */
final class MedianEventClock {
    private final long[] ring;
    private final long[] sorted;
    private int size;
    private int next;

    /** @param n events in the sample; odd, so the median is one of them */
    MedianEventClock(int n) {
        if (n < 1 || n % 2 == 0) {
            throw new IllegalArgumentException("the sample size must be odd and positive, was " + n);
        }
        this.ring = new long[n];
        this.sorted = new long[n];
    }

    void observe(long eventTime) {
        if (size == ring.length) {
            remove(ring[next]);
        } else {
            size++;
        }
        ring[next] = eventTime;
        next = (next + 1) % ring.length;
        insert(eventTime);
    }

    /** The median of the sample, or {@link Long#MIN_VALUE} while the sample is not yet full. */
    long median() {
        return size < ring.length ? Long.MIN_VALUE : sorted[ring.length / 2];
    }

    /** Inserts into {@code sorted[0, size - 1)}, which then holds {@code size} values. */
    private void insert(long value) {
        int filled = size - 1;
        int at = Arrays.binarySearch(sorted, 0, filled, value);
        if (at < 0) {
            at = -at - 1;
        }
        System.arraycopy(sorted, at, sorted, at + 1, filled - at);
        sorted[at] = value;
    }

    /** Removes one occurrence from the full {@code sorted}, leaving {@code size - 1} values. */
    private void remove(long value) {
        int at = Arrays.binarySearch(sorted, 0, ring.length, value);
        System.arraycopy(sorted, at + 1, sorted, at, ring.length - at - 1);
    }
}
