package dev.lastseen.common;

/**
 * Makes text from outside (a client's path, a file's content, a server's error message) safe for
 * one log line or one exception message: control characters are escaped (so the text cannot start
 * a forged log line), unpaired surrogates are escaped, and the length is capped. The one such
 * helper in lastseen.
 */
public final class LogSafe {
    private LogSafe() {}

    /**
     * {@code text} on one line, at most {@code maxChars} characters of it followed by
     * {@code ...(N chars)} when it was longer; {@code null} becomes {@code "null"}.
     */
    public static String oneLine(String text, int maxChars) {
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars must not be negative, got " + maxChars);
        }
        String s = String.valueOf(text);
        StringBuilder b = new StringBuilder(Math.min(s.length(), maxChars) + 16);
        for (int i = 0; i < s.length(); i++) {
            if (b.length() >= maxChars) {
                b.append("...(").append(s.length()).append(" chars)");
                break;
            }
            char c = s.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c) || (Character.isSurrogate(c) && !pairedAt(s, i))) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@link #oneLine} in double quotes (inner quotes escaped), for naming a value in a message. */
    public static String quoted(String text, int maxChars) {
        return '"' + oneLine(text, maxChars).replace("\"", "\\\"") + '"';
    }

    /**
     * {@code url} with any credentials in it replaced by {@code ***}: the user-info part
     * ({@code scheme://user:password@host}) and the values of query or property parameters whose name
     * mentions a password, secret, token or key ({@code ?password=...}, {@code ;sslpassword=...}). For a
     * JDBC or HTTP URL in a log line or a message.
     */
    public static String withoutCredentials(String url) {
        if (url == null) {
            return "null";
        }
        String s = url.replaceAll("(//)[^/@?#]*@", "$1***@");
        return s.replaceAll(
                "(?i)([?&;](?:[a-z_.-]*)(?:password|passwd|pwd|secret|token|key)[a-z_.-]*=)[^&;#]*", "$1***");
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
