package dev.lastseen.app.spikes;

/**
 * String keys of the spike stores. Account and token ids are visible ASCII (0x21-0x7E, see
 * {@code Identifiers}), so 0x00 separates them unambiguously.
 *
 * <p>A scope key is {@code account 0x00} for the account as a whole and {@code account 0x00
 * token} for one of its tokens. A window key is {@code hex16(start) 0x00 scope}: fixed-width hex
 * of the start with its sign bit flipped, so the store's byte order is window-start order and
 * every window that has closed is one range scan from the start of the store.
 */
final class WindowKeys {
    private static final char SEPARATOR = '\u0000';
    private static final int HEX_DIGITS = 16;
    /**
     * The detector's closing time: '~' sorts after every hex digit, outside all window ranges. (The
     * name is the first layout's, when it held the largest event time: a stored value carries over
     * as a closing time, since every window it closed has been judged.)
     */
    static final String CLOSING_TIME = "~observed-event-time";

    private WindowKeys() {}

    static String accountScope(String account) {
        return account + SEPARATOR;
    }

    static String tokenScope(String account, String token) {
        return account + SEPARATOR + token;
    }

    static String account(String scope) {
        return scope.substring(0, scope.indexOf(SEPARATOR));
    }

    /** The token of a token scope, null for an account scope. */
    static String token(String scope) {
        String token = scope.substring(scope.indexOf(SEPARATOR) + 1);
        return token.isEmpty() ? null : token;
    }

    static String window(long start, String scope) {
        return startPrefix(start) + SEPARATOR + scope;
    }

    /** Smallest key of any window. */
    static String first() {
        return startPrefix(Long.MIN_VALUE);
    }

    /** The smallest key that sorts after {@code key}: where a scan resumes after it. */
    static String after(String key) {
        return key + SEPARATOR;
    }

    /** A key just above every window key that starts at or before {@code start}. */
    static String afterWindowsStartingAtOrBefore(long start) {
        return startPrefix(start) + '\u0001';
    }

    static long start(String windowKey) {
        return Long.parseUnsignedLong(windowKey.substring(0, HEX_DIGITS), 16) ^ Long.MIN_VALUE;
    }

    static String scope(String windowKey) {
        return windowKey.substring(HEX_DIGITS + 1);
    }

    private static String startPrefix(long start) {
        String hex = Long.toHexString(start ^ Long.MIN_VALUE);
        return "0".repeat(HEX_DIGITS - hex.length()) + hex;
    }
}
