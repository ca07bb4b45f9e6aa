package dev.lastseen.app.config;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;

/** Crashes, restarts and faults: the instance's stable name, planned shutdown, record retries. */
public final class RestartConfig {
    public static final String INSTANCE_ID = "lastseen.instance.id";
    public static final String SHUTDOWN_TIMEOUT_MS = "lastseen.shutdown.timeout.ms";
    public static final String SHUTDOWN_DRAIN_MS = "lastseen.shutdown.drain.ms";
    public static final String SHUTDOWN_LEAVE_GROUP = "lastseen.shutdown.leave-group";
    public static final String RECORD_MAX_RETRIES = "lastseen.errors.record.max.retries";

    /**
     * Kafka bounds {@code group.instance.id} at 249 characters; Kafka Streams appends "-" and the thread
     * index, so the name itself keeps room for that.
     */
    static final int MAX_INSTANCE_ID_LENGTH = 240;

    private RestartConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        INSTANCE_ID,
                        ConfigDef.Type.STRING,
                        null,
                        new InstanceIdValidator(),
                        Importance.HIGH,
                        "This instance's stable, unique name (the StatefulSet pod name in ops/k8s): the instance is a "
                                + "static member of the consumer group (group.instance.id), so a restart with the same name "
                                + "takes its tasks back at once instead of waiting for the old member's session to expire. "
                                + "Unset: the name kept in the state directory (lastseen/instance.id, a random one created on "
                                + "first start), so a restart on the same volume is a static rejoin all the same. Two running "
                                + "instances must never share a name.")
                .define(
                        SHUTDOWN_DRAIN_MS,
                        ConfigDef.Type.LONG,
                        5_000L,
                        Range.between(0, 300_000),
                        Importance.MEDIUM,
                        "On SIGTERM, /readyz answers 503 at once and the API goes on answering for this long, so load "
                                + "balancers and Kubernetes endpoints stop sending queries before the server stops "
                                + "listening; then the server and Kafka Streams close. Keep the pod's "
                                + "terminationGracePeriodSeconds above it plus lastseen.shutdown.timeout.ms.")
                .define(
                        SHUTDOWN_TIMEOUT_MS,
                        ConfigDef.Type.LONG,
                        30_000L,
                        Range.between(1_000, 600_000),
                        Importance.MEDIUM,
                        "How long a planned shutdown (SIGTERM) waits for Kafka Streams to commit, flush and checkpoint. "
                                + "Keep the pod's terminationGracePeriodSeconds above it.")
                .define(
                        SHUTDOWN_LEAVE_GROUP,
                        ConfigDef.Type.STRING,
                        LeaveGroup.AUTO.code(),
                        ConfigDef.ValidString.in(LeaveGroup.codes()),
                        Importance.MEDIUM,
                        "Whether a planned shutdown leaves the consumer group at once: auto (a dynamic member leaves, a static "
                                + "member stays, expecting to be back within session.timeout.ms), always, never.")
                .define(
                        RECORD_MAX_RETRIES,
                        ConfigDef.Type.INT,
                        2,
                        Range.between(0, 20),
                        Importance.MEDIUM,
                        "A record whose processing fails with an unexpected error (not a rejected record, not an infrastructure "
                                + "fault) is retried this many times (each retry fails the task and replaces the stream thread), "
                                + "then dead-lettered with reason processing_error, so one record cannot stall its partition.");
    }

    public static LastseenConfig.ResilienceSettings from(AbstractConfig c) {
        return new LastseenConfig.ResilienceSettings(
                c.getString(INSTANCE_ID),
                Duration.ofMillis(c.getLong(SHUTDOWN_DRAIN_MS)),
                Duration.ofMillis(c.getLong(SHUTDOWN_TIMEOUT_MS)),
                LeaveGroup.fromCode(c.getString(SHUTDOWN_LEAVE_GROUP)),
                c.getInt(RECORD_MAX_RETRIES));
    }

    /** Kafka's rule for group.instance.id (characters from [a-zA-Z0-9._-]), with room for the thread suffix. */
    static final class InstanceIdValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String id = value.toString();
            if (id.isEmpty() || id.length() > MAX_INSTANCE_ID_LENGTH || !id.matches("[a-zA-Z0-9._-]+")) {
                throw new ConfigException(
                        name,
                        value,
                        "must be 1.." + MAX_INSTANCE_ID_LENGTH
                                + " characters from a-z, A-Z, 0-9, '.', '_' and '-' (Kafka's rule for group.instance.id,"
                                + " which is this name plus '-' and the stream thread's index),"
                                + " e.g. the pod name");
            }
        }

        @Override
        public String toString() {
            return "1.." + MAX_INSTANCE_ID_LENGTH + " characters of [a-zA-Z0-9._-]";
        }
    }
}
