package dev.lastseen.state;

/** The names of lastseen's state stores: the only place they are spelled. */
public final class StoreNames {
    /** Registry field group (secret-free), keyed by {@link TokenKey}; written only by the registry path. */
    public static final String TOKEN_REGISTRY = "token-registry";
    /** Usage field group, keyed by {@link TokenKey}; written only by the login path. */
    public static final String TOKEN_USAGE = "token-usage";
    /**
     * Usage group too: the usage entries of token ids that never succeeded, by last failure
     * ({@link NeverSeenIndex}); it bounds them per task. Written only by the login path.
     */
    public static final String TOKEN_USAGE_NEVER_SEEN = "token-usage-never-seen";
    /**
     * Usage group too: the tokens whose patch the granularity held back, by when their trailing
     * patch falls due ({@link TrailingPatchIndex}). Written only by the login path.
     */
    public static final String TOKEN_USAGE_TRAILING = "token-usage-trailing";
    /** token_id → account_id, so a registry tombstone (which carries no account) can be routed to its account. */
    public static final String TOKEN_ACCOUNT_INDEX = "token-account-index";
    /** token_id → the last {@code last_seen_at} written to token-last-seen, so that topic never moves backwards for a token. */
    public static final String LAST_SEEN_GUARD = "token-last-seen-guard";
    /** The failure-spike detector's open windows: window key → failures so far; plus the task's closing time. */
    public static final String FAILURE_WINDOW_COUNTS = "auth-failure-window-counts";
    /** The failure-spike detector's baselines: scope key (account, or account and token) → baseline. */
    public static final String FAILURE_BASELINES = "auth-failure-baselines";

    private StoreNames() {}
}
