package dev.lastseen.applier;

import dev.lastseen.common.Backoff;
import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume-apply-commit loop, on one thread. Records are collected into a batch (up to
 * {@code maxRecords}, at most {@code linger} after the first); a batch is read (undecodable or
 * invalid patches are dead-lettered), collapsed to one patch per token, applied in one database
 * transaction, and only after the commit are its offsets committed. So a crash at any point
 * leaves the batch uncommitted and it is read again, which the monotonic update makes harmless.
 *
 * <p>When the database (or the registry, or the dead-letter topic) fails, the transaction is
 * rolled back and the same batch is retried after an exponential, jittered, bounded backoff,
 * forever: a fault of the machine is never a reason to skip or dead-letter a patch. Meanwhile
 * the partitions are paused and the consumer keeps polling, so it stays in its group, and the
 * applier reports not-ready. On a rebalance, the batch's records of revoked partitions are
 * dropped uncommitted: their new owner reads them again.
 */
final class ApplyLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration PAUSED_POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final PatchReader reader;
    private final PatchWriter writer;
    private final DataSource database;
    private final DeadLetterPublisher deadLetters;
    private final ApplierMetrics metrics;
    private final ApplierHealth health;
    private final ApplierConfig.Batching batching;
    private final String topic;
    private final Clock clock;
    private final PrivilegeWatch privileges;
    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
    private long firstPendingNanos;
    private volatile boolean stopping;

    ApplyLoop(
            Consumer<byte[], byte[]> consumer,
            PatchReader reader,
            PatchWriter writer,
            DataSource database,
            DeadLetterPublisher deadLetters,
            ApplierMetrics metrics,
            ApplierHealth health,
            ApplierConfig.Batching batching,
            String topic,
            Clock clock) {
        this(
                consumer,
                reader,
                writer,
                database,
                deadLetters,
                metrics,
                health,
                batching,
                topic,
                clock,
                PrivilegeWatch.NONE);
    }

    ApplyLoop(
            Consumer<byte[], byte[]> consumer,
            PatchReader reader,
            PatchWriter writer,
            DataSource database,
            DeadLetterPublisher deadLetters,
            ApplierMetrics metrics,
            ApplierHealth health,
            ApplierConfig.Batching batching,
            String topic,
            Clock clock,
            PrivilegeWatch privileges) {
        this.privileges = privileges;
        this.consumer = consumer;
        this.reader = reader;
        this.writer = writer;
        this.database = database;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.health = health;
        this.batching = batching;
        this.topic = topic;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), new DropRevoked());
            while (!stopping) {
                privileges.check(); // throws when the role's privileges grew: nothing more is applied
                add(consumer.poll(pollTimeout()));
                updateLag();
                if (!pending.isEmpty() && (pending.size() >= batching.maxRecords() || lingerElapsed())) {
                    applyPending();
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            // A static member stays in the group when it merely closes; a planned stop leaves, so that on a
            // scale-in the partitions move at once. A crash leaves nothing: the restart takes the name back.
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
            deadLetters.close();
            if (health.isLive()) {
                health.stopped();
            }
        }
    }

    /** Stops the loop from another thread; the batch in hand is abandoned uncommitted. */
    void stop() {
        stopping = true;
        consumer.wakeup();
    }

    private void fail(Throwable e) {
        log.error("lastseen apply stopped: {}", e.toString(), e);
        health.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private Duration pollTimeout() {
        if (pending.isEmpty()) {
            return IDLE_POLL;
        }
        long left = batching.linger().toNanos() - (System.nanoTime() - firstPendingNanos);
        return Duration.ofNanos(Math.max(0, left));
    }

    private boolean lingerElapsed() {
        return System.nanoTime() - firstPendingNanos >= batching.linger().toNanos();
    }

    private void add(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        if (pending.isEmpty()) {
            firstPendingNanos = System.nanoTime();
        }
        records.forEach(pending::add);
    }

    private void updateLag() {
        long lag = pending.size();
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        metrics.lag(lag);
    }

    /** Applies the pending batch, retrying until it succeeds, its partitions are revoked, or the applier stops. */
    private void applyPending() {
        Backoff.Attempts backoff = batching.backoff().attempts();
        try {
            while (!pending.isEmpty() && !stopping) {
                long started = System.nanoTime();
                try {
                    attempt();
                    metrics.batch(System.nanoTime() - started);
                    if (backoff.failures() > 0) {
                        log.info("Batch applied after {} failed attempt(s); resuming consumption", backoff.failures());
                    }
                    health.running();
                } catch (SQLException e) {
                    retryLater(
                            ApplierMetrics.FailureKind.DATABASE,
                            "database: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")",
                            backoff);
                } catch (RegistryUnavailableException | SchemaRegistryException e) {
                    retryLater(ApplierMetrics.FailureKind.REGISTRY, "schema registry: " + e.getMessage(), backoff);
                } catch (DeadLetterTopicException e) {
                    retryLater(ApplierMetrics.FailureKind.DEAD_LETTER_TOPIC, e.getMessage(), backoff);
                }
            }
        } finally {
            // Applied, or every record of the batch revoked while waiting: either way, consume again.
            if (!stopping) {
                List<TopicPartition> paused = consumer.paused().stream()
                        .filter(consumer.assignment()::contains)
                        .toList();
                consumer.resume(paused);
            }
        }
    }

    /** One try: read, apply in one transaction, dead-letter the rejects, commit the offsets. */
    private void attempt() throws SQLException {
        List<Patch> patches = new ArrayList<>(pending.size());
        List<DeadLetterPublisher.Rejection> rejected = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : pending) {
            PatchReader.Outcome outcome = reader.read(r.topic(), r.value());
            if (outcome instanceof PatchReader.Valid v) {
                patches.add(v.patch());
            } else if (outcome instanceof PatchReader.Rejected why) {
                rejected.add(new DeadLetterPublisher.Rejection(r, why));
            }
            offsets.merge(
                    new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        PatchWriter.Result result = patches.isEmpty() ? null : writeInOneTransaction(PatchWriter.collapse(patches));
        long committedAt = clock.millis();
        try {
            deadLetters.publish(rejected);
        } catch (KafkaException e) {
            throw new DeadLetterTopicException(e.getMessage(), e);
        }
        for (DeadLetterPublisher.Rejection r : rejected) {
            metrics.deadLettered(r.why().reason());
            log.warn(
                    "Dead-lettered {}-{}@{}: reason={} {}",
                    r.record().topic(),
                    r.record().partition(),
                    r.record().offset(),
                    r.why().reason().code(),
                    r.why().message());
        }
        if (result != null) {
            metrics.rows(ApplierMetrics.RowOutcome.APPLIED, result.applied());
            metrics.rows(ApplierMetrics.RowOutcome.UNCHANGED, result.unchanged());
            metrics.rows(ApplierMetrics.RowOutcome.UNKNOWN_TOKEN, result.unknown());
            for (long at : result.appliedLastSeenAt()) {
                metrics.freshness(committedAt - at);
            }
        }
        commit(offsets);
        pending.clear();
    }

    private PatchWriter.Result writeInOneTransaction(List<Patch> patches) throws SQLException {
        try (Connection c = database.getConnection()) {
            try {
                PatchWriter.Result result = writer.apply(c, patches);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            }
        }
    }

    /**
     * Commits the batch's offsets. A failed commit (a rebalance took the partitions, the
     * coordinator is away) loses nothing: the rows are in the database, and the records are read
     * again by whoever owns the partition next, or covered by this consumer's next commit.
     */
    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            metrics.failure(ApplierMetrics.FailureKind.OFFSET_COMMIT);
            log.warn(
                    "Offset commit failed after the database commit ({}); the records will be read again and change nothing",
                    e.toString());
        }
    }

    private void retryLater(ApplierMetrics.FailureKind kind, String why, Backoff.Attempts backoff) {
        metrics.failure(kind);
        Duration wait = backoff.next();
        health.retrying(kind.name().toLowerCase(java.util.Locale.ROOT) + " failing, retry #" + backoff.failures());
        log.warn(
                "Batch of {} record(s) not applied: {}; rolled back, retrying the same batch in {} ms (attempt {})",
                pending.size(),
                why,
                wait.toMillis(),
                backoff.failures() + 1);
        pauseAndWait(wait);
    }

    /** Waits while staying in the group: partitions paused, polling, rebalances handled. */
    private void pauseAndWait(Duration wait) {
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + wait.toNanos();
        while (!stopping && !pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            add(consumer.poll(Duration.ofNanos(Math.min(left, PAUSED_POLL.toNanos()))));
            consumer.pause(consumer.assignment()); // partitions assigned meanwhile, too
            updateLag();
        }
    }

    /** The dead-letter topic did not acknowledge: the batch is retried like a database failure. */
    private static final class DeadLetterTopicException extends RuntimeException {
        DeadLetterTopicException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** On revocation the batch's records of those partitions are dropped uncommitted: their next owner applies them. */
    private final class DropRevoked implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drop(partitions, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions, "lost");
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("Assigned {}", partitions);
            }
            if (health.state() == ApplierHealth.State.STARTING) {
                health.running(); // in the group (an empty assignment too: more instances than partitions)
            }
        }

        private void drop(Collection<TopicPartition> partitions, String how) {
            int before = pending.size();
            pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            if (pending.size() != before) {
                log.info(
                        "Partitions {} {}: {} uncommitted record(s) of the batch dropped, their next owner applies them",
                        partitions,
                        how,
                        before - pending.size());
            }
        }
    }
}
