package dev.lastseen.app.spikes;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A key's learned failure rate: an exponentially weighted moving average of its failures per
 * window, as of the window starting at {@code windowStart}. Windows without failures leave no
 * record, so the average is decayed lazily for them when it is next read.
 *
 * @param failuresPerWindow the moving average
 * @param windowStart       start of the last window folded into it
 */
record Baseline(double failuresPerWindow, long windowStart) {
    private static final int BYTES = Double.BYTES + Long.BYTES;

    static final Serde<Baseline> SERDE = Serdes.serdeFrom(
            (topic, b) -> b == null
                    ? null
                    : ByteBuffer.allocate(BYTES)
                            .putDouble(b.failuresPerWindow)
                            .putLong(b.windowStart)
                            .array(),
            (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                if (bytes.length != BYTES) {
                    throw new IllegalStateException("baseline value must be " + BYTES + " bytes, was " + bytes.length);
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                return new Baseline(buffer.getDouble(), buffer.getLong());
            });

    /**
     * The average as of the window starting at {@code start}: each window in between that had no
     * failures counts as a zero, so it decays by {@code (1 - alpha)} per window.
     */
    double decayedTo(long start, long windowMillis, double alpha) {
        long emptyWindows = Math.max(0, (start - windowStart) / windowMillis - 1);
        return failuresPerWindow * Math.pow(1 - alpha, (double) emptyWindows);
    }

    /** Folds the window starting at {@code start}, with {@code failures}, into the average. */
    Baseline fold(long start, long failures, long windowMillis, double alpha) {
        return new Baseline(alpha * failures + (1 - alpha) * decayedTo(start, windowMillis, alpha), start);
    }
}
