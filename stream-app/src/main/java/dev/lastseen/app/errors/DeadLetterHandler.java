package dev.lastseen.app.errors;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private DeadLetterRouter router;

    @Override
    public void configure(Map<String, ?> configs) {
        router = DeadLetterRouter.fromConfigs(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (DeadLetters.isRegistryOutage(exception)) {
            log.warn(
                    "Schema registry unavailable while reading {}-{}@{}: failing the task so the record is retried, not skipped ({})",
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    exception.getMessage());
            return Response.fail();
        }
        return Response.resume(List.of(router.deadLetter(context, record.key(), record.value(), exception)));
    }
}
