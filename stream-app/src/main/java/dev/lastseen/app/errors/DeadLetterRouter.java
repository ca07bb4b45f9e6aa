package dev.lastseen.app.errors;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both error handlers do with a rejected record: classify it, count it, log one line and
 * build its dead-letter record. Kafka Streams instantiates the handlers, so their settings
 * arrive through the streams config map.
 *
 * <p>A dead letter keeps its original value only when its source topic is listed under
 * {@link #VALUE_KEEPING_TOPICS_CONFIG} (the login topics, which cannot carry a secret); any other
 * topic's value is withheld. Secret-free is the default: a topic nobody thought about, or a
 * missing setting, withholds.
 */
public final class DeadLetterRouter {
    /** Streams-config key: the topics (a collection of names) whose dead letters keep their value bytes. */
    public static final String VALUE_KEEPING_TOPICS_CONFIG = "lastseen.internal.dlq.value-keeping-topics";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRouter.class);
    private final String deadLetterTopic;
    private final DeadLetterCounter metrics;
    private final Set<String> valueKeepingTopics;

    private DeadLetterRouter(String deadLetterTopic, DeadLetterCounter metrics, Set<String> valueKeepingTopics) {
        this.deadLetterTopic = deadLetterTopic;
        this.metrics = metrics;
        this.valueKeepingTopics = Set.copyOf(valueKeepingTopics);
    }

    static DeadLetterRouter fromConfigs(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null) {
            throw new ConfigException(
                    StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, null, "a dead-letter topic is required");
        }
        Object keeping = configs.get(VALUE_KEEPING_TOPICS_CONFIG);
        Set<String> valueKeeping = new HashSet<>();
        if (keeping instanceof Collection<?> names) {
            names.forEach(n -> valueKeeping.add(String.valueOf(n)));
        }
        return new DeadLetterRouter(
                topic.toString(), (DeadLetterCounter) configs.get(DeadLetterCounter.STREAMS_CONFIG_KEY), valueKeeping);
    }

    ProducerRecord<byte[], byte[]> deadLetter(
            ErrorHandlerContext context, byte[] key, byte[] value, Exception exception) {
        RejectReason reason = DeadLetters.reasonOf(exception);
        if (metrics != null) {
            metrics.deadLettered(reason);
        }
        if (reason == RejectReason.PROCESSING_ERROR) {
            // Not a rule we wrote: a bug. Keep the trace in our log (never in the DLQ headers).
            log.error(
                    "Processor {} failed on {}-{}@{}; record dead-lettered to {}, processing continues",
                    context.processorNodeId(),
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    deadLetterTopic,
                    exception);
        } else {
            log.warn(
                    "Rejected {}-{}@{} to {}: reason={} {}",
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    deadLetterTopic,
                    reason.code(),
                    exception.getMessage());
        }
        return DeadLetters.record(
                deadLetterTopic, key, value, valueKeepingTopics.contains(context.topic()), context, exception, reason);
    }
}
