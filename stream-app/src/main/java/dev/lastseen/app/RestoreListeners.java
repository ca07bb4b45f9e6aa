package dev.lastseen.app;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/** Kafka Streams takes one global restore listener: this one tells several, in order. */
final class RestoreListeners implements StateRestoreListener {
    private final List<StateRestoreListener> listeners;

    RestoreListeners(StateRestoreListener... listeners) {
        this.listeners = List.of(listeners);
    }

    @Override
    public void onRestoreStart(TopicPartition tp, String store, long startingOffset, long endingOffset) {
        listeners.forEach(l -> l.onRestoreStart(tp, store, startingOffset, endingOffset));
    }

    @Override
    public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long numRestored) {
        listeners.forEach(l -> l.onBatchRestored(tp, store, batchEndOffset, numRestored));
    }

    @Override
    public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
        listeners.forEach(l -> l.onRestoreEnd(tp, store, totalRestored));
    }

    @Override
    public void onRestoreSuspended(TopicPartition tp, String store, long totalRestored) {
        listeners.forEach(l -> l.onRestoreSuspended(tp, store, totalRestored));
    }
}
