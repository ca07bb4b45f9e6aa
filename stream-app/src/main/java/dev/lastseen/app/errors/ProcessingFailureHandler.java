package dev.lastseen.app.errors;

import dev.lastseen.app.metrics.LastseenMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that a processor rejects (a rule that needs the key, such as key/value mismatch)
 * or that trip a bug go to the dead-letter topic with their original bytes; processing
 * continues on the last good state instead of stopping the service.
 */
public final class ProcessingFailureHandler implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProcessingFailureHandler.class);
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
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (DeadLetters.isRegistryOutage(exception)) {
            log.warn("Schema registry unavailable while processing {}-{}@{}: failing the task so the record is retried",
                    context.topic(), context.partition(), context.offset());
            return Response.fail();
        }
        RejectReason reason = DeadLetters.reasonOf(exception);
        if (metrics != null) {
            metrics.deadLettered(reason);
        }
        if (reason == RejectReason.PROCESSING_ERROR) {
            log.error("Processor {} failed on {}-{}@{}; record dead-lettered, processing continues", context.processorNodeId(),
                    context.topic(), context.partition(), context.offset(), exception);
        } else {
            log.warn("Rejected {}-{}@{} to {}: reason={} {}", context.topic(), context.partition(), context.offset(),
                    deadLetterTopic, reason.code(), exception.getMessage());
        }
        return Response.resume(List.of(DeadLetters.record(deadLetterTopic, context.sourceRawKey(), context.sourceRawValue(),
                context, exception, reason)));
    }
}
