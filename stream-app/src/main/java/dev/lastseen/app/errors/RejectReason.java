package dev.lastseen.app.errors;

/**
 * Why an input record was rejected. The codes are stable: they are the {@code reason} label
 * of {@code lastseen_dlq_records_total} and the {@value DeadLetters#REASON_HEADER} header of
 * dead-lettered records, so the label set is bounded by this enum.
 */
public enum RejectReason {
    TOO_LARGE("too_large"),
    NULL_VALUE("null_value"),
    TRUNCATED("truncated"),
    BAD_MAGIC_BYTE("bad_magic_byte"),
    UNKNOWN_SCHEMA("unknown_schema"),
    INCOMPATIBLE_SCHEMA("incompatible_schema"),
    MALFORMED_AVRO("malformed_avro"),
    INVALID_ID("invalid_id"),
    FIELD_TOO_LONG("field_too_long"),
    INVALID_FIELD("invalid_field"),
    INVALID_TIMESTAMP("invalid_timestamp"),
    FUTURE_TIMESTAMP("future_timestamp"),
    MISSING_TOKEN_ID("missing_token_id"),
    BLANK_SECRET("blank_secret"),
    KEY_MISMATCH("key_mismatch"),
    PROCESSING_ERROR("processing_error");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
