package dev.lastseen.applier;

import com.zaxxer.hikari.HikariDataSource;
import dev.lastseen.common.Backoff;
import dev.lastseen.common.InstanceIdFile;
import dev.lastseen.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code lastseen apply} service: checks its database role, then consumes
 * {@code token-last-seen} and applies the patches to PostgreSQL on a thread of its own until
 * {@link #close()}. The caller serves {@link #health()} and the meters it passed in.
 */
public final class Applier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(60);

    private final HikariDataSource database;
    private final ApplyLoop loop;
    private final Thread thread;
    private final ApplierHealth health;
    private final KafkaClientMetrics consumerMetrics;
    private final InstanceIdFile keptName; // null when the name is configured

    private Applier(
            HikariDataSource database,
            ApplyLoop loop,
            ApplierHealth health,
            KafkaClientMetrics consumerMetrics,
            InstanceIdFile keptName) {
        this.database = database;
        this.loop = loop;
        this.health = health;
        this.consumerMetrics = consumerMetrics;
        this.keptName = keptName;
        this.thread = new Thread(loop, "lastseen-apply");
    }

    /**
     * Starts the applier: waits up to {@code databaseWait} for the database (with backoff), checks
     * the role's privileges, then starts consuming.
     *
     * @throws PrivilegeCheck.PrivilegeException when the role may do more (or less) than the applier needs; the message names the fix
     * @throws DatabaseUnavailableException when the database did not answer within {@code databaseWait}
     */
    public static Applier start(
            ApplierConfig config, SchemaRegistryClient registry, MeterRegistry meters, Duration databaseWait) {
        ApplierHealth health = new ApplierHealth();
        ApplierMetrics metrics = new ApplierMetrics(meters, health);
        HikariDataSource database = DataSources.applier(config.database());
        InstanceIdFile keptName = null;
        try {
            checkPrivileges(database, config, databaseWait);
            String instanceId = config.identity().instanceId();
            if (instanceId == null) {
                keptName = InstanceIdFile.claim(
                        config.identity().stateDir(), ApplierConfigLoader.DEFAULT_GROUP_ID, IdentityConfig.INSTANCE_ID);
                instanceId = keptName.id();
            }
            Map<String, Object> consumerProperties = new HashMap<>(config.consumer());
            consumerProperties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
            KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            try {
                checkTopics(consumer, config.topics());
            } catch (RuntimeException e) {
                consumer.close(CloseOptions.timeout(Duration.ZERO));
                throw e;
            }
            KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
            consumerMetrics.bindTo(meters);
            DeadLetterPublisher deadLetters = new DeadLetterPublisher(
                    new KafkaProducer<>(config.producer(), new ByteArraySerializer(), new ByteArraySerializer()),
                    config.topics().deadLetter(),
                    Duration.ofSeconds(30));
            ApplyLoop loop = new ApplyLoop(
                    consumer,
                    new PatchReader(registry, Clock.systemUTC(), config.clockSkewAllowance(), config.maxRecordBytes()),
                    new PatchWriter(config.target()),
                    database,
                    deadLetters,
                    metrics,
                    health,
                    config.batching(),
                    config.topics().tokenLastSeen(),
                    Clock.systemUTC(),
                    new PrivilegeWatch(
                            database, config.target(), config.privilegeCheckInterval(), metrics, System::nanoTime));
            Applier applier = new Applier(database, loop, health, consumerMetrics, keptName);
            applier.thread.start();
            log.info(
                    "lastseen apply running as group member {} ({}): {} -> {} ({} layout), dead letters to {}",
                    instanceId,
                    keptName != null ? "kept in " + config.identity().stateDir() : IdentityConfig.INSTANCE_ID,
                    config.topics().tokenLastSeen(),
                    config.target().schema() + "." + config.target().writtenTable(),
                    config.target().layout().configValue(),
                    config.topics().deadLetter());
            return applier;
        } catch (RuntimeException e) {
            database.close();
            if (keptName != null) {
                keptName.close();
            }
            throw e;
        }
    }

    /** Both topics must exist: the applier never creates topics (their partitions and retention are the operator's). */
    private static void checkTopics(KafkaConsumer<byte[], byte[]> consumer, ApplierConfig.Topics topics) {
        java.util.Set<String> existing =
                consumer.listTopics(TOPIC_CHECK_TIMEOUT).keySet();
        for (var topic : java.util.Map.of(
                        topics.tokenLastSeen(),
                        ApplierConfigLoader.TOPIC,
                        topics.deadLetter(),
                        ApplierConfigLoader.DLQ_TOPIC)
                .entrySet()) {
            if (!existing.contains(topic.getKey())) {
                throw new IllegalStateException(
                        "topic '" + topic.getKey() + "' does not exist: create it or set " + topic.getValue());
            }
        }
    }

    /** The database did not answer at start-up within the wait. */
    public static final class DatabaseUnavailableException extends RuntimeException {
        DatabaseUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void checkPrivileges(HikariDataSource database, ApplierConfig config, Duration wait) {
        Backoff.Attempts backoff = config.batching().backoff().attempts();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try (Connection c = database.getConnection()) {
                try {
                    PrivilegeCheck.verify(c, config.target());
                } finally {
                    c.rollback();
                }
                log.info(
                        "Database role {} has exactly the applier's privileges on {}.{}",
                        config.database().user(),
                        config.target().schema(),
                        config.target().writtenTable());
                return;
            } catch (SQLException e) {
                Duration next = backoff.next();
                if (System.nanoTime() + next.toNanos() > deadline) {
                    throw new DatabaseUnavailableException(
                            "the database did not answer within " + wait + ": " + e.getMessage(), e);
                }
                log.warn("Database not reachable at start-up ({}); retrying in {} ms", e.getMessage(), next.toMillis());
                sleep(next);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while waiting for the database", e);
        }
    }

    public ApplierHealth health() {
        return health;
    }

    /** Stops consuming (the batch in hand is abandoned uncommitted) and closes the pool. */
    @Override
    public void close() {
        loop.stop();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumerMetrics.close();
        database.close();
        if (keptName != null) {
            keptName.close();
        }
        health.stopped();
    }
}
