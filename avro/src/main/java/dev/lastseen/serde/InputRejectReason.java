package dev.lastseen.serde;

/**
 * Why an input record was rejected. The codes are stable: they are the {@code reason} label
 * of {@code lastseen_dlq_records_total} and the {@value DeadLetterHeaders#REASON} header of
 * dead-lettered records, so the label set is bounded by this enum.
 */
public enum InputRejectReason {
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
    /** client_secret_hash is empty. */
    SECRET_MISSING("secret_missing", true),
    /** client_secret_hash has a character outside visible ASCII 0x21..0x7E (whitespace, control, format, non-ASCII). */
    SECRET_NOT_VISIBLE_ASCII("secret_not_visible_ascii", true),
    /** client_secret_hash is shorter than lastseen.secret.min.length. */
    SECRET_TOO_SHORT("secret_too_short", true),
    /** client_secret_hash is longer than the input bound. */
    SECRET_TOO_LONG("secret_too_long", true),
    /** client_secret_hash is a placeholder (lastseen.secret.placeholders, or one character repeated). */
    SECRET_PLACEHOLDER("secret_placeholder", true),
    KEY_MISMATCH("key_mismatch"),
    PROCESSING_ERROR("processing_error");

    private final String code;
    private final boolean secretRule;

    InputRejectReason(String code) {
        this(code, false);
    }

    InputRejectReason(String code, boolean secretRule) {
        this.code = code;
        this.secretRule = secretRule;
    }

    public String code() {
        return code;
    }

    /** Whether the record broke the secret rule (these also count in {@code lastseen_secret_rejected_total}). */
    public boolean isSecretRule() {
        return secretRule;
    }
}
