package dev.lastseen.serde;

/**
 * Why a patch was dead-lettered instead of applied. The codes are stable: they are the
 * {@code reason} label of {@code lastseen_apply_dlq_records_total} and the
 * {@value DeadLetterHeaders#REASON} header, the same codes the product's own dead-letter topic uses
 * for the same faults.
 */
public enum PatchRejectReason {
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
    FUTURE_TIMESTAMP("future_timestamp");

    private final String code;

    PatchRejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
