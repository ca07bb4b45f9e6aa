package dev.lastseen.app;

import dev.lastseen.app.metrics.LastseenMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says what a start-up or a task move cost: one line when a store starts restoring from its changelog
 * (from which offset, how many records), one when it is done (records, seconds), and the records in
 * {@code lastseen_state_restored_records_total}. A restore from offset 0 of a large changelog is a full
 * rebuild - what an unclean exit under exactly-once costs without transactional state stores.
 */
final class RestoreLog implements StateRestoreListener {
    private static final Logger log = LoggerFactory.getLogger(RestoreLog.class);
    private final LastseenMetrics metrics;
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    RestoreLog(LastseenMetrics metrics) {
        this.metrics = metrics;
    }

    private static String id(TopicPartition tp, String store) {
        return store + "@" + tp;
    }

    @Override
    public void onRestoreStart(TopicPartition tp, String store, long startingOffset, long endingOffset) {
        started.put(id(tp, store), System.nanoTime());
        log.info(
                "Restoring store {} from {} offsets {}..{} ({} records at most{})",
                store,
                tp,
                startingOffset,
                endingOffset,
                Math.max(0, endingOffset - startingOffset),
                startingOffset == 0 ? ", from the beginning" : "");
    }

    @Override
    public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long numRestored) {
        metrics.restored(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
        Long start = started.remove(id(tp, store));
        log.info(
                "Restored store {} from {}: {} records in {} s",
                store,
                tp,
                totalRestored,
                start == null ? "?" : String.format("%.1f", (System.nanoTime() - start) / 1e9));
    }

    @Override
    public void onRestoreSuspended(TopicPartition tp, String store, long totalRestored) {
        started.remove(id(tp, store));
        log.info("Restore of store {} from {} suspended after {} records (task moved)", store, tp, totalRestored);
    }
}
