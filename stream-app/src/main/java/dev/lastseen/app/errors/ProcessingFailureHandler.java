package dev.lastseen.app.errors;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Exceptions thrown by processors. A record a processor rejects (a rule that needs the key, such as
 * key/value mismatch) goes to the dead-letter topic (original key; original value only for the login
 * topics, see {@link DeadLetterRouter}) and processing continues on the last good state. A state store,
 * Kafka or registry fault fails the task: the stream thread is replaced and the record processed again,
 * never dead-lettered (the state update it carries must not be lost). An unexpected exception (a bug)
 * is retried a bounded number of times, then dead-lettered.
 */
public final class ProcessingFailureHandler implements ProcessingExceptionHandler {
    private DeadLetterRouter router;

    @Override
    public void configure(Map<String, ?> configs) {
        router = DeadLetterRouter.fromConfigs(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        DeadLetterRouter.Decision decision =
                router.route(context, context.sourceRawKey(), context.sourceRawValue(), exception);
        return decision.fail() ? Response.fail() : Response.resume(decision.deadLetters());
    }
}
