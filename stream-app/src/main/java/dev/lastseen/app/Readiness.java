package dev.lastseen.app;

import dev.lastseen.app.http.Health;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Ready means: the streams client is RUNNING and no active store is still restoring from its
 * changelog. (With the state updater, a client can be RUNNING while tasks restore, and a query
 * then would answer from partial state.)
 */
public final class Readiness implements StateRestoreListener, Health {
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    private volatile KafkaStreams streams;

    /** Follows this client's state; the caller registers this object as (part of) its restore listener. */
    void attach(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public boolean isLive() {
        KafkaStreams s = streams;
        return s != null
                && s.state() != KafkaStreams.State.ERROR
                && s.state() != KafkaStreams.State.NOT_RUNNING
                && s.state() != KafkaStreams.State.PENDING_ERROR;
    }

    @Override
    public boolean isReady() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING && restoring.isEmpty();
    }

    @Override
    public String describe() {
        KafkaStreams s = streams;
        return "streams=" + (s == null ? "NOT_STARTED" : s.state()) + ", stores restoring=" + restoring.size();
    }

    private static String id(TopicPartition tp, String store) {
        return store + "@" + tp;
    }

    @Override
    public void onRestoreStart(TopicPartition tp, String store, long startingOffset, long endingOffset) {
        restoring.add(id(tp, store));
    }

    @Override
    public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long numRestored) {}

    @Override
    public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
        restoring.remove(id(tp, store));
    }

    @Override
    public void onRestoreSuspended(TopicPartition tp, String store, long totalRestored) {
        restoring.remove(id(tp, store));
    }
}
