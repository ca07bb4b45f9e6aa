package dev.lastseen.app.errors;

/**
 * What kind of failure an exception raised while reading or processing a record is, which decides
 * what happens to the record. Only {@link #BAD_RECORD} is the record's fault and is dead-lettered at
 * once; {@link #UNEXPECTED} (a bug, or a fault nobody foresaw) is retried a bounded number of times and
 * then dead-lettered; every other kind is a fault of the machine or a service it needs: the task fails,
 * the stream thread is replaced and the record is read again, however often that takes, and it is
 * never dead-lettered. The codes are the {@code cause} label of {@code lastseen_task_failures_total}.
 */
public enum FailureKind {
    /** The record's content breaks a rule or cannot be decoded: dead-lettered with its reason. */
    BAD_RECORD("bad_record", "a rejected record"),
    /** The schema registry cannot be reached or answered an error that is not a verdict on the record. */
    REGISTRY_UNAVAILABLE("registry_unavailable", "the schema registry is unavailable"),
    /** A state store failed (RocksDB I/O error, disk full, a store closed under the task). */
    STATE_STORE("state_store", "a state store failed"),
    /** A Kafka client or Kafka Streams runtime error (broker, producer, transaction, timeout). */
    KAFKA("kafka", "a Kafka client or runtime error"),
    /** An I/O error outside the stores. */
    IO("io", "an I/O error"),
    /** Anything else, such as a bug in lastseen's own code: retried, then dead-lettered. */
    UNEXPECTED("unexpected", "an unexpected error");

    private final String code;
    private final String description;

    FailureKind(String code, String description) {
        this.code = code;
        this.description = description;
    }

    public String code() {
        return code;
    }

    /** A few words for a log line. */
    public String description() {
        return description;
    }

    /** Whether a record failing this way may ever reach the dead-letter topic. */
    public boolean mayDeadLetter() {
        return this == BAD_RECORD || this == UNEXPECTED;
    }
}
