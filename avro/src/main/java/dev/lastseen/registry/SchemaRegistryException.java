package dev.lastseen.registry;

/**
 * An answer from the registry that says no: carries its HTTP status and Confluent error code.
 * When the registry's body carries no {@code error_code} (not JSON, a proxy's error page),
 * {@link #errorCode()} is the HTTP status.
 */
public class SchemaRegistryException extends RuntimeException {
    /** Confluent error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code: schema not found (unknown id, or not under this subject). */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code: incompatible schema. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent error code: subject has no subject-level compatibility configured. */
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    /** Confluent error code: invalid schema (also: the schema for an id is not a parseable Avro schema). */
    public static final int INVALID_SCHEMA = 42201;
    /**
     * The registry's answer could not be understood (not JSON, missing fields, too large).
     * Same value the Confluent client uses for unparseable responses.
     */
    public static final int INVALID_RESPONSE = 50005;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message + " (HTTP " + httpStatus + ", registry error " + errorCode + ")");
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
