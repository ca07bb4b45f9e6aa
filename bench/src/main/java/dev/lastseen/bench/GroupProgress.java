package dev.lastseen.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches a consumer group's committed offsets, for {@code bench/run.sh --compare}: the same
 * outside view of lastseen and of the hand-written DSL job. Commits are what exactly-once makes
 * visible, so the rate between the first commit and the commit that covers the whole topic is
 * exact (both ends are commit instants), with a 100 ms polling resolution.
 *
 * <p>Arguments: bootstrap servers, group id, input topic, the process start (epoch millis), a
 * deadline in seconds. Prints one line of {@code key=value} figures when the topic is committed to
 * its end ({@code main_done_ms}) and every partition the group reads (its repartition and other
 * input topics too) is caught up ({@code all_done_ms}, at most one transaction marker behind).
 * Exits 1 at the deadline.
 */
public final class GroupProgress {
    private static final long POLL_MS = 100;

    private GroupProgress() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: GroupProgress BOOTSTRAP_SERVERS GROUP TOPIC START_EPOCH_MS DEADLINE_S");
            System.exit(2);
        }
        String group = args[1];
        String topic = args[2];
        long start = Long.parseLong(args[3]);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[4]) * 1000;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        try (Admin admin = Admin.create(p)) {
            Set<TopicPartition> mainPartitions = new HashSet<>();
            admin.describeTopics(Set.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(i -> mainPartitions.add(new TopicPartition(topic, i.partition())));
            long mainEnd = sum(ends(admin, mainPartitions), mainPartitions);
            long firstCommitMs = -1;
            long committedAtFirst = 0;
            long mainDoneMs = -1;
            long mainCommitted = 0;
            while (System.currentTimeMillis() < deadline) {
                long t = System.currentTimeMillis();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                Map<TopicPartition, Long> offsets = new HashMap<>();
                committed.forEach((tp, om) -> {
                    if (om != null) {
                        offsets.put(tp, om.offset());
                    }
                });
                mainCommitted = sum(offsets, mainPartitions);
                if (firstCommitMs < 0 && mainCommitted > 0) {
                    firstCommitMs = t;
                    committedAtFirst = mainCommitted;
                }
                if (mainDoneMs < 0 && mainCommitted >= mainEnd) {
                    mainDoneMs = t;
                }
                if (mainDoneMs >= 0 && caughtUp(ends(admin, offsets.keySet()), offsets)) {
                    double rate = mainDoneMs > firstCommitMs
                            ? (mainEnd - committedAtFirst) * 1000.0 / (mainDoneMs - firstCommitMs)
                            : Double.NaN;
                    System.out.printf(
                            "records=%d first_commit_s=%.2f main_done_s=%.2f all_done_s=%.2f rate=%.0f%n",
                            mainEnd,
                            (firstCommitMs - start) / 1000.0,
                            (mainDoneMs - start) / 1000.0,
                            (System.currentTimeMillis() - start) / 1000.0,
                            rate);
                    return;
                }
                Thread.sleep(Math.max(1, POLL_MS - (System.currentTimeMillis() - t)));
            }
            System.err.printf(
                    "GroupProgress: deadline passed, %d of %d records of %s committed%n",
                    mainCommitted, mainEnd, topic);
            System.exit(1);
        }
    }

    private static Map<TopicPartition, Long> ends(Admin admin, Set<TopicPartition> partitions)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
                admin.listOffsets(latest).all().get().entrySet()) {
            ends.put(e.getKey(), e.getValue().offset());
        }
        return ends;
    }

    private static long sum(Map<TopicPartition, Long> offsets, Set<TopicPartition> partitions) {
        long s = 0;
        for (TopicPartition tp : partitions) {
            s += offsets.getOrDefault(tp, 0L);
        }
        return s;
    }

    /** Every partition committed to its end, or one transaction marker short of it. */
    private static boolean caughtUp(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (e.getValue() - committed.getOrDefault(e.getKey(), 0L) > 1) {
                return false;
            }
        }
        return true;
    }
}
