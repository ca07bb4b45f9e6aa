package dev.lastseen.app.errors;

import dev.lastseen.serde.InputRejectReason;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both error handlers do with a record that failed: classify the failure ({@link Failures}) and
 * either build its dead-letter record (counted, one log line, cut to what the topic takes) or decide
 * that the task fails so the record is read again. Kafka Streams instantiates the handlers, so their
 * settings and the shared objects (metrics, retry ledger, dead-letter limit) arrive through the
 * streams config map.
 *
 * <ul>
 *   <li>{@link FailureKind#BAD_RECORD}: dead-lettered at once with its reason.</li>
 *   <li>{@link FailureKind#UNEXPECTED}: the task fails; after {@link RecordRetries#maxRetries()}
 *       retries the record is dead-lettered with reason {@code processing_error}, so a bug that one
 *       record trips cannot stall its partition.</li>
 *   <li>Every other kind (registry, state store, Kafka, I/O): the task fails, every time. These are
 *       faults of the machine or of a service, not of the record: the record is never skipped.</li>
 * </ul>
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
    private final RecordRetries retries;
    private final int maxBytes;
    private final Set<String> valueKeepingTopics;

    private DeadLetterRouter(
            String deadLetterTopic,
            DeadLetterCounter metrics,
            RecordRetries retries,
            int maxBytes,
            Set<String> valueKeepingTopics) {
        this.deadLetterTopic = deadLetterTopic;
        this.metrics = metrics;
        this.retries = retries;
        this.maxBytes = maxBytes;
        this.valueKeepingTopics = Set.copyOf(valueKeepingTopics);
    }

    static DeadLetterRouter fromConfigs(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null) {
            throw new ConfigException(
                    StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, null, "a dead-letter topic is required");
        }
        Object retries = configs.get(RecordRetries.STREAMS_CONFIG_KEY);
        Object limit = configs.get(DeadLetterLimit.STREAMS_CONFIG_KEY);
        Object keeping = configs.get(VALUE_KEEPING_TOPICS_CONFIG);
        Set<String> valueKeeping = new HashSet<>();
        if (keeping instanceof Collection<?> names) {
            names.forEach(n -> valueKeeping.add(String.valueOf(n)));
        }
        return new DeadLetterRouter(
                topic.toString(),
                (DeadLetterCounter) configs.get(DeadLetterCounter.STREAMS_CONFIG_KEY),
                retries instanceof RecordRetries r ? r : new RecordRetries(0),
                limit instanceof Integer bytes ? bytes : DeadLetterLimit.DEFAULT_MAX_REQUEST_SIZE,
                valueKeeping);
    }

    /**
     * What the handler answers: fail the task (the stream thread is replaced and the record is read
     * again), or resume, writing the dead letters (none for a punctuation given up on).
     */
    record Decision(boolean fail, List<ProducerRecord<byte[], byte[]>> deadLetters) {
        static final Decision FAIL = new Decision(true, List.of());

        static Decision resume(List<ProducerRecord<byte[], byte[]>> deadLetters) {
            return new Decision(false, List.copyOf(deadLetters));
        }
    }

    Decision route(ErrorHandlerContext context, byte[] key, byte[] value, Exception exception) {
        FailureKind kind = Failures.classify(exception);
        if (kind == FailureKind.BAD_RECORD) {
            return Decision.resume(
                    List.of(deadLetter(context, key, value, exception, DeadLetters.reasonOf(exception))));
        }
        if (kind == FailureKind.UNEXPECTED) {
            int attempt =
                    retries.failed(context.topic(), context.partition(), context.offset(), context.processorNodeId());
            if (retries.exhausted(attempt)) {
                if (context.topic() == null) {
                    log.error(
                            "A punctuation of processor {} failed {} times; skipping this run of it, processing continues",
                            context.processorNodeId(),
                            attempt,
                            exception);
                    return Decision.resume(List.of());
                }
                return Decision.resume(
                        List.of(deadLetter(context, key, value, exception, InputRejectReason.PROCESSING_ERROR)));
            }
            log.error(
                    "Not dead-lettered yet: {} in processor {} on {}; failing the task to retry it (attempt {} of {}): {}",
                    kind.description(),
                    context.processorNodeId(),
                    coordinates(context),
                    attempt,
                    retries.maxRetries() + 1,
                    Failures.summary(exception));
            return Decision.FAIL;
        }
        log.error(
                "Not dead-lettered: {} in processor {} on {} [{}]; failing the task so the record is read again once it"
                        + " recovers: {}",
                kind.description(),
                context.processorNodeId(),
                coordinates(context),
                kind.code(),
                Failures.summary(exception));
        return Decision.FAIL;
    }

    private ProducerRecord<byte[], byte[]> deadLetter(
            ErrorHandlerContext context, byte[] key, byte[] value, Exception exception, InputRejectReason reason) {
        if (metrics != null) {
            metrics.deadLettered(reason);
        }
        ProducerRecord<byte[], byte[]> letter = DeadLetters.fit(
                DeadLetters.record(
                        deadLetterTopic,
                        key,
                        value,
                        valueKeepingTopics.contains(context.topic()),
                        context,
                        exception,
                        reason),
                maxBytes);
        String cut = letter.headers().lastHeader(DeadLetters.VALUE_DROPPED_HEADER) == null
                ? ""
                : " (value of " + length(value) + " bytes left out: dead letters are limited to " + maxBytes
                        + " bytes)";
        if (reason == InputRejectReason.PROCESSING_ERROR) {
            // Not a rule we wrote: a bug, given up on after its retries. Keep the trace in our log (never in the DLQ).
            log.error(
                    "Processor {} failed on {} {} times; record dead-lettered to {}{}, processing continues",
                    context.processorNodeId(),
                    coordinates(context),
                    retries.maxRetries() + 1,
                    deadLetterTopic,
                    cut,
                    exception);
        } else {
            log.warn(
                    "Rejected {} to {}: reason={} {}{}",
                    coordinates(context),
                    deadLetterTopic,
                    reason.code(),
                    exception.getMessage(),
                    cut);
        }
        return letter;
    }

    private static String coordinates(ErrorHandlerContext context) {
        return context.topic() == null
                ? "a punctuation"
                : context.topic() + "-" + context.partition() + "@" + context.offset();
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
