package dev.lastseen.app.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts how often each record has failed with an {@link FailureKind#UNEXPECTED} error, so that such
 * a record is retried a bounded number of times and then dead-lettered instead of failing its task
 * forever. One instance per application instance, shared by every task and every stream thread
 * (the error handlers are created by Kafka Streams and find it in the streams config under
 * {@link #STREAMS_CONFIG_KEY}); a replaced thread re-reads the record and finds its count here.
 *
 * <p>Records are known by source topic, partition and offset. At most {@link #MAX_TRACKED} records
 * are remembered (the least recently failed is forgotten first), so the ledger stays bounded however
 * many records fail. A process restart, or the task moving to another instance, starts the count
 * again: at most {@code (maxRetries + 1)} attempts per record per instance that owns it.
 */
public final class RecordRetries {
    /** Where the streams config carries the ledger to the error handlers. */
    public static final String STREAMS_CONFIG_KEY = "lastseen.internal.record-retries";

    static final int MAX_TRACKED = 10_000;

    private record Source(String topic, int partition, long offset, String processor) {}

    private final int maxRetries;
    private final Map<Source, Integer> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Source, Integer> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    /** @param maxRetries retries after the first failure before a record is given up on (0: dead-letter at once) */
    public RecordRetries(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        this.maxRetries = maxRetries;
    }

    public int maxRetries() {
        return maxRetries;
    }

    /**
     * Registers one more failure of the record at these coordinates (a punctuation has no topic and
     * is known by its processor) and returns its attempt number, from 1. The record has used up its
     * retries when the attempt number exceeds {@code maxRetries}; its entry is then forgotten.
     */
    public synchronized int failed(String topic, int partition, long offset, String processor) {
        Source source = new Source(topic, partition, offset, topic == null ? processor : null);
        int attempt = failures.merge(source, 1, Integer::sum);
        if (attempt > maxRetries) {
            failures.remove(source);
        }
        return attempt;
    }

    /** Whether attempt {@code attempt} (from {@link #failed}) was the last one allowed. */
    public boolean exhausted(int attempt) {
        return attempt > maxRetries;
    }

    synchronized int tracked() {
        return failures.size();
    }
}
