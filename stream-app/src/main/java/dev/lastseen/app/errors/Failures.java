package dev.lastseen.app.errors;

import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryException;
import dev.lastseen.serde.WireFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;

/**
 * Classifies an exception (and its causes) into a {@link FailureKind}. Kafka Streams wraps what a
 * processor or a store throws in {@code StreamsException}s, so the whole cause chain is examined: a
 * specific cause anywhere in it wins over the generic wrappers around it.
 */
public final class Failures {
    /** How many causes are followed: guards against cyclic or absurdly deep chains. */
    private static final int MAX_DEPTH = 32;

    private Failures() {}

    public static FailureKind classify(Throwable e) {
        boolean kafka = false;
        boolean other = false;
        int depth = 0;
        for (Throwable t = e; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            // The record's own fault, as our deserializers and validators report it.
            if (t instanceof RejectedRecordException || t instanceof WireFormatException) {
                return FailureKind.BAD_RECORD;
            }
            if (t instanceof RegistryUnavailableException || t instanceof SchemaRegistryException) {
                return FailureKind.REGISTRY_UNAVAILABLE;
            }
            if (t instanceof ProcessorStateException
                    || t instanceof InvalidStateStoreException
                    || t.getClass().getName().startsWith("org.rocksdb.")) {
                return FailureKind.STATE_STORE;
            }
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return FailureKind.IO;
            }
            if (t instanceof SerializationException) {
                // Not one of ours (those are matched above): an internal record lastseen itself wrote
                // cannot be read back - a bug or corruption, not a fault of the machine.
                other = true;
            } else if (t instanceof KafkaException) {
                kafka = true; // includes the StreamsException wrappers; decided below
            } else {
                other = true;
            }
        }
        // A Kafka exception wrapping a plain runtime exception (NullPointerException, IllegalStateException...)
        // is a processor that threw: unexpected. Only Kafka exceptions all the way down are Kafka's.
        return other || !kafka ? FailureKind.UNEXPECTED : FailureKind.KAFKA;
    }

    /** {@code Class: message} of the most specific cause, on one bounded line (for logs, never for clients). */
    public static String summary(Throwable e) {
        Throwable root = e;
        int depth = 0;
        while (root.getCause() != null && depth++ < MAX_DEPTH) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).replaceAll("\\s+", " ");
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return root.getClass().getName() + ": " + message;
    }
}
