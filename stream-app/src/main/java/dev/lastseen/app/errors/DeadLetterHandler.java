package dev.lastseen.app.errors;

import dev.lastseen.app.metrics.LastseenMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles records that cannot be read or fail validation: dead-letters them with a reason,
 * counts them and lets processing continue. A registry outage is the exception: the record is
 * fine, so the task fails and the record is re-read once the thread is replaced — it is never
 * skipped.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);
    private String deadLetterTopic;
    private LastseenMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, null, "a dead-letter topic is required");
        }
        deadLetterTopic = topic.toString();
        metrics = (LastseenMetrics) configs.get(LastseenMetrics.STREAMS_CONFIG_KEY);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (DeadLetters.isRegistryOutage(exception)) {
            log.warn("Schema registry unavailable while reading {}-{}@{}: failing the task so the record is retried, not skipped ({})",
                    context.topic(), context.partition(), context.offset(), exception.getMessage());
            return Response.fail();
        }
        RejectReason reason = DeadLetters.reasonOf(exception);
        if (metrics != null) {
            metrics.deadLettered(reason);
        }
        log.warn("Rejected {}-{}@{} to {}: reason={} {}", context.topic(), context.partition(), context.offset(),
                deadLetterTopic, reason.code(), exception.getMessage());
        return Response.resume(List.of(DeadLetters.record(deadLetterTopic, record.key(), record.value(), context, exception, reason)));
    }
}
