package dev.lastseen.app.errors;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The largest dead letter that can be written: the smaller of the dead-letter topic's real
 * {@code max.message.bytes} (read from the cluster at start-up, the broker default included) and the
 * producer's {@code max.request.size}. Under exactly-once, a dead letter the producer or the broker
 * refuses aborts the whole transaction, the task re-reads the same record and fails the same way:
 * one record would stall its partition forever. Dead letters are cut to this size instead
 * ({@link DeadLetters#fit}).
 */
public final class DeadLetterLimit {
    /** Where the streams config carries the limit (bytes, an Integer) to the error handlers. */
    public static final String STREAMS_CONFIG_KEY = "lastseen.internal.dlq.max-bytes";
    /**
     * The smallest limit lastseen runs with: a dead letter without key and value (reason, exception,
     * source coordinates) is well below it, so every dead letter can be written.
     */
    public static final int MINIMUM = 4096;
    /** Kafka's default {@code max.request.size}. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private DeadLetterLimit() {}

    /** The limit from the topic's {@code max.message.bytes} and the Kafka Streams (producer) properties. */
    public static int of(int topicMaxMessageBytes, Map<String, ?> streamsProperties) {
        return Math.min(topicMaxMessageBytes, producerMaxRequestSize(streamsProperties));
    }

    /** The producer's {@code max.request.size} as Kafka Streams will configure it (a producer. prefix wins). */
    static int producerMaxRequestSize(Map<String, ?> streamsProperties) {
        Object prefixed = streamsProperties.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        Object plain = streamsProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        Object v = prefixed != null ? prefixed : plain;
        return v == null
                ? DEFAULT_MAX_REQUEST_SIZE
                : Integer.parseInt(v.toString().trim());
    }

    /**
     * Reads the topic's effective {@code max.message.bytes} with an admin client built from the
     * streams properties (their security settings included) and returns the limit.
     *
     * @throws IllegalStateException naming the topic and what to fix, when it cannot be read or is below {@link #MINIMUM}
     */
    public static int read(Map<String, ?> streamsProperties, String topic, Duration timeout) {
        Map<String, Object> adminConfig = new HashMap<>(streamsProperties);
        adminConfig.keySet().retainAll(AdminClientConfig.configNames());
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        int topicMax;
        try (Admin admin = Admin.create(adminConfig)) {
            Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry == null || entry.value() == null) {
                throw new IllegalStateException("the dead-letter topic '" + topic + "' has no "
                        + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " in its description");
            }
            topicMax = Integer.parseInt(entry.value());
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " of the dead-letter topic '" + topic
                            + "': " + e.getCause().getMessage()
                            + " (lastseen needs DescribeConfigs on it to size dead letters)",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not describe the dead-letter topic '" + topic + "' within "
                    + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the dead-letter topic's configuration", e);
        }
        int limit = of(topicMax, streamsProperties);
        if (limit < MINIMUM) {
            throw new IllegalStateException("dead letters could be at most " + limit + " bytes (topic '" + topic + "' "
                    + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + "=" + topicMax + ", producer "
                    + ProducerConfig.MAX_REQUEST_SIZE_CONFIG + "=" + producerMaxRequestSize(streamsProperties)
                    + "); lastseen needs at least " + MINIMUM + ": raise the topic's "
                    + TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        }
        return limit;
    }
}
