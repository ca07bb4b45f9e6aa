package dev.lastseen.app.errors;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that a processor rejects (a rule that needs the key, such as key/value mismatch)
 * or that trip a bug go to the dead-letter topic (original key; original value only for the
 * login topics, see {@link DeadLetterRouter}); processing continues on the last good state
 * instead of stopping the service.
 */
public final class ProcessingFailureHandler implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProcessingFailureHandler.class);
    private DeadLetterRouter router;

    @Override
    public void configure(Map<String, ?> configs) {
        router = DeadLetterRouter.fromConfigs(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (DeadLetters.isRegistryOutage(exception)) {
            log.warn(
                    "Schema registry unavailable while processing {}-{}@{}: failing the task so the record is retried",
                    context.topic(),
                    context.partition(),
                    context.offset());
            return Response.fail();
        }
        return Response.resume(
                List.of(router.deadLetter(context, context.sourceRawKey(), context.sourceRawValue(), exception)));
    }
}
