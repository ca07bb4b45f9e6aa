package dev.lastseen.app.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Handles records that cannot be read or fail validation: a record at fault is dead-lettered with a
 * reason, counted, and processing continues; a registry outage or any other fault that is not the
 * record's fails the task, so the record is read again and never skipped ({@link DeadLetterRouter}).
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
    private DeadLetterRouter router;

    @Override
    public void configure(Map<String, ?> configs) {
        router = DeadLetterRouter.fromConfigs(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        DeadLetterRouter.Decision decision = router.route(context, record.key(), record.value(), exception);
        return decision.fail() ? Response.fail() : Response.resume(decision.deadLetters());
    }
}
