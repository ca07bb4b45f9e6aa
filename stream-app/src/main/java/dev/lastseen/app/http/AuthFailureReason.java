package dev.lastseen.app.http;

/** Why a request to the API was refused; {@link #code()} is the {@code reason} label of {@code lastseen_api_auth_failures_total}. */
public enum AuthFailureReason {
    /** No {@code Authorization} header (401). */
    MISSING("missing"),
    /** Not {@code Bearer <key>}, or over the length bound (401). */
    MALFORMED("malformed"),
    /** A key that is in no line of the key file (revoked, mistyped, or no key file at all) (403). */
    UNKNOWN_KEY("unknown_key"),
    /** A valid key, used for an account its line does not name (403). */
    WRONG_ACCOUNT("wrong_account"),
    /** A forwarded request whose instance signature is wrong, expired, or made for another instance or path (403). */
    BAD_PEER_SIGNATURE("bad_peer_signature");

    private final String code;

    AuthFailureReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
