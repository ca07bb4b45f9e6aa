package dev.lastseen.app.thresholds;

/** Makes untrusted text safe for a single log line. */
final class Texts {

    private Texts() {}

    /** Escapes control characters (so a message stays on one line) and caps the length. */
    static String oneLine(String s, int maxChars) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), maxChars) + 8);
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

    /** Double-quoted, escaped and capped, for naming a key in a message. */
    static String quote(String s, int maxChars) {
        return '"' + oneLine(s, maxChars).replace("\"", "\\\"") + '"';
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
