package dev.lastseen.app.thresholds;

/**
 * Why a live file (thresholds, API keys) was not applied. {@link #code()} is stable and the
 * set is bounded, so it is safe as a metric tag.
 */
public enum ThresholdsRejection {
    /** File larger than {@code maxFileBytes}; not read. */
    FILE_TOO_LARGE("file_too_large"),
    /** More than {@code maxEntries} account entries. */
    TOO_MANY_ENTRIES("too_many_entries"),
    /** Empty, or the JSON ends before the document does (e.g. half-written). */
    TRUNCATED("truncated"),
    /** Not well-formed JSON. */
    MALFORMED_JSON("malformed_json"),
    /** Anything after the top-level object other than whitespace. */
    TRAILING_CONTENT("trailing_content"),
    UNKNOWN_FIELD("unknown_field"),
    DUPLICATE_KEY("duplicate_key"),
    WRONG_TYPE("wrong_type"),
    MISSING_FIELD("missing_field"),
    /** A value outside its {@link ThresholdsLimits} bound. */
    OUT_OF_BOUNDS("out_of_bounds"),
    /** Account id empty, blank, too long, or with control characters. */
    INVALID_ACCOUNT_ID("invalid_account_id"),
    UNSUPPORTED_VERSION("unsupported_version"),
    /** A line of a line-based file (the API key file) that does not follow its format. */
    MALFORMED_LINE("malformed_line"),
    /** The file changed while it was being read; retried on the next poll. */
    CHANGED_WHILE_READING("changed_while_reading"),
    /** The file exists but could not be read (permissions, I/O error). */
    UNREADABLE("unreadable"),
    /** An unexpected failure inside the reloader; it keeps polling. */
    INTERNAL_ERROR("internal_error");

    private final String code;

    ThresholdsRejection(String code) {
        this.code = code;
    }

    /** Stable snake_case code, e.g. {@code too_many_entries}. */
    public String code() {
        return code;
    }
}
