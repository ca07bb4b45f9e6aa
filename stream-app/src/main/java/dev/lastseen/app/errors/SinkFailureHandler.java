package dev.lastseen.app.errors;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * lastseen's one production exception handler: a record that cannot be serialized or sent to a sink
 * (an output, a repartition or a changelog topic) is never dead-lettered. Kafka's default handler
 * would build a dead letter from the task's raw source key and value (for the registry path, a
 * {@code service-tokens} value, secret included) plus a stack trace; this one writes nothing to any
 * topic. A failure the producer may retry is retried; every other one fails the task, so the stream
 * thread is replaced and the record is processed again from its last committed offset (a registry
 * outage heals itself that way, and no state update is lost). Each failure is counted by cause and
 * logged on one line without the record.
 */
public final class SinkFailureHandler implements ProductionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(SinkFailureHandler.class);
    private SinkFailureCounter counter;

    @Override
    public void configure(Map<String, ?> configs) {
        counter = configs.get(DeadLetterCounter.STREAMS_CONFIG_KEY) instanceof SinkFailureCounter c ? c : null;
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        FailureKind kind = Failures.classify(exception);
        count(kind);
        if (exception instanceof RetriableException) {
            log.warn(
                    "Sending to {} failed [{}]; retrying: {}",
                    record.topic(),
                    kind.code(),
                    Failures.summary(exception));
            return Response.retry();
        }
        log.error(
                "Sending to {} failed [{}]; failing the task so its records are processed again, nothing"
                        + " dead-lettered: {}",
                record.topic(),
                kind.code(),
                Failures.summary(exception));
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes") // the signature Kafka Streams defines
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        FailureKind kind = Failures.classify(exception);
        count(kind);
        log.error(
                "Could not serialize the {} of a record for {} in processor {}: {} [{}]; failing the task so it is"
                        + " processed again, nothing dead-lettered: {}",
                origin == SerializationExceptionOrigin.KEY ? "key" : "value",
                record.topic(),
                context.processorNodeId(),
                kind.description(),
                kind.code(),
                Failures.summary(exception));
        return Response.fail();
    }

    private void count(FailureKind kind) {
        if (counter != null) {
            counter.sinkFailed(kind);
        }
    }
}
