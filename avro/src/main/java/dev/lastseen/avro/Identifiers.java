package dev.lastseen.avro;

/**
 * Bounds on account and token ids, for every record that carries them. Ids are visible ASCII (0x21-0x7E) so that the store key
 * {@code account 0x00 token} sorts by token within an account and 0x7F is a safe upper bound.
 */
public final class Identifiers {
    public static final int MAX_ID_LENGTH = 128;

    private Identifiers() {}

    /** Null if the id is acceptable, else why not (without echoing the id). */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "is missing or empty";
        }
        if (id.length() > MAX_ID_LENGTH) {
            return "is " + id.length() + " characters long, over the bound of " + MAX_ID_LENGTH;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return "contains a character outside visible ASCII at position " + i;
            }
        }
        return null;
    }

    public static boolean isValid(String id) {
        return problem(id) == null;
    }
}
