package dev.lastseen.app.errors;

import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a stream thread dies: one log line saying why (the {@link FailureKind}), one
 * {@code lastseen_task_failures_total{cause}}, and the thread is replaced. Under exactly-once its
 * uncommitted work is aborted and read again, so nothing is skipped. This is where every task failure
 * ends up - the ones the error handlers decide on (a state store, Kafka or registry fault, an
 * unexpected error being retried) and the ones Kafka Streams raises itself (a store failing while the
 * cache is flushed on commit, a transaction that cannot commit).
 *
 * <p>One failure is not replaced: another running instance with the same {@code lastseen.instance.id}
 * fenced this one. Replacing the thread would fence the other in turn, forever; the client shuts
 * down instead ({@code /healthz} answers 503) and the log says what to fix.
 */
public final class StreamThreadFailureHandler implements StreamsUncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(StreamThreadFailureHandler.class);
    private final TaskFailureCounter counter;

    public StreamThreadFailureHandler(TaskFailureCounter counter) {
        this.counter = counter;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        FailureKind kind = Failures.classify(exception);
        counter.taskFailed(kind);
        if (isFenced(exception)) {
            log.error(
                    "Stream thread {} was fenced: another running instance uses the same lastseen.instance.id "
                            + "(group.instance.id). Shutting this Kafka Streams client down; give every instance its own name.",
                    Thread.currentThread().getName());
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        log.error(
                "Stream thread {} failed: {} [{}]; replacing it (its tasks' uncommitted work is read again): {}",
                Thread.currentThread().getName(),
                kind.description(),
                kind.code(),
                Failures.summary(exception));
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private static boolean isFenced(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }
}
