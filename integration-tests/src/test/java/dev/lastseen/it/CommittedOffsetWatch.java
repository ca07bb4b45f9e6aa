package dev.lastseen.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches a consumer group's committed offsets on one topic from outside (an admin client polling
 * every {@link #POLL}), as an operator's lag monitor would: when did each partition's committed
 * offset last move. Under exactly-once the committed offset moves only when a transaction with that
 * partition's input commits, so "the offset moved" means "this partition is being processed".
 */
public final class CommittedOffsetWatch implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(100);

    /** A committed offset seen at a time ({@link System#nanoTime()}). */
    public record Move(long nanos, long offset) {}

    private final Admin admin;
    private final String group;
    private final String topic;
    private final Map<TopicPartition, List<Move>> moves = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastPollStarted; // nanoTime of the start of the last completed poll

    public CommittedOffsetWatch(String bootstrap, String group, String topic) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000));
        this.group = group;
        this.topic = topic;
        this.thread = new Thread(this::run, "group-progress-" + group);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (running) {
            long now = System.nanoTime();
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
                synchronized (this) {
                    committed.forEach((tp, om) -> {
                        if (om != null && tp.topic().equals(topic)) {
                            List<Move> list = moves.computeIfAbsent(tp, k -> new ArrayList<>());
                            if (list.isEmpty() || list.get(list.size() - 1).offset() != om.offset()) {
                                list.add(new Move(now, om.offset()));
                            }
                        }
                    });
                }
                lastPollStarted = now;
            } catch (Exception e) {
                // the broker may be busy or the group not yet there: the next poll tries again
            }
            try {
                Thread.sleep(POLL.toMillis()); // a monitor's polling period, not a wait for state
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The committed offsets as of a poll that started at least {@code settle} after {@code nanos}: after
     * a kill, a commit the dead instance had already sent may still complete at the broker, and must not
     * count as that instance's partitions moving again.
     */
    public Map<TopicPartition, Long> latestAfter(long nanos, Duration settle) {
        long from = nanos + settle.toNanos();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (lastPollStarted - from < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no committed offsets could be read for 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(POLL.toNanos() / 4); // waiting for the next poll
        }
        return latest();
    }

    /** The committed offsets seen last. */
    public synchronized Map<TopicPartition, Long> latest() {
        Map<TopicPartition, Long> m = new HashMap<>();
        moves.forEach((tp, list) -> m.put(tp, list.get(list.size() - 1).offset()));
        return m;
    }

    /**
     * For each partition of {@code before}: the first time its committed offset moved past the offset
     * recorded there, or absent while it has not.
     */
    public synchronized Map<TopicPartition, Long> firstMovesAfter(Map<TopicPartition, Long> before) {
        Map<TopicPartition, Long> m = new HashMap<>();
        before.forEach((tp, offset) -> {
            for (Move move : moves.getOrDefault(tp, List.of())) {
                if (move.offset() > offset) {
                    m.put(tp, move.nanos());
                    break;
                }
            }
        });
        return m;
    }

    /** The longest time, per partition, between two moves of its committed offset within [from, to] (nanoTime). */
    public synchronized Map<TopicPartition, Long> longestStallNanos(long from, long to) {
        Map<TopicPartition, Long> m = new HashMap<>();
        moves.forEach((tp, list) -> {
            long last = from;
            long longest = 0;
            for (Move move : list) {
                if (move.nanos() < from || move.nanos() > to) {
                    continue;
                }
                longest = Math.max(longest, move.nanos() - last);
                last = move.nanos();
            }
            m.put(tp, Math.max(longest, to - last));
        });
        return m;
    }

    /** Whether every partition's committed offset has reached the topic's end offset (all input processed). */
    public boolean caughtUp() throws Exception {
        Map<TopicPartition, Long> committed = latest();
        if (committed.isEmpty()) {
            return false;
        }
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        committed.keySet().forEach(tp -> ask.put(tp, OffsetSpec.latest()));
        var ends = admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS);
        int partitions = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .size();
        return committed.size() == partitions
                && committed.entrySet().stream()
                        .allMatch(e -> e.getValue() >= ends.get(e.getKey()).offset());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(2));
    }
}
