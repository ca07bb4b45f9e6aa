package dev.lastseen.state;

import dev.lastseen.avro.Identifiers;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The state key: one token of one account. Encoded as {@code utf8(account) 0x00 utf8(token)}
 * so that all tokens of an account are contiguous and sorted by token id.
 */
public record TokenKey(String accountId, String tokenId) {
    private static final byte SEPARATOR = 0x00;
    /** Sorts after every valid id byte (ids are visible ASCII, see {@link Identifiers}). */
    private static final byte AFTER_ANY_ID = 0x7F;

    public TokenKey {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(tokenId, "tokenId");
    }

    public byte[] toBytes() {
        byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
        byte[] token = tokenId.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[account.length + 1 + token.length];
        System.arraycopy(account, 0, out, 0, account.length);
        out[account.length] = SEPARATOR;
        System.arraycopy(token, 0, out, account.length + 1, token.length);
        return out;
    }

    public static TokenKey fromBytes(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == SEPARATOR) {
                return new TokenKey(
                        new String(bytes, 0, i, StandardCharsets.UTF_8),
                        new String(bytes, i + 1, bytes.length - i - 1, StandardCharsets.UTF_8));
            }
        }
        throw new IllegalArgumentException("Not a token key: no separator in " + bytes.length + " bytes");
    }

    /** Inclusive lower bound of the account's keys that sort strictly after {@code afterTokenId} (all of them when null). */
    public static TokenKey rangeStart(String accountId, String afterTokenId) {
        // "x\0" sorts right after "x" and before any longer valid id starting with "x".
        return new TokenKey(accountId, afterTokenId == null ? "" : afterTokenId + '\u0000');
    }

    /** Inclusive upper bound that sorts after every token of the account and before any other account's keys. */
    public static TokenKey rangeEnd(String accountId) {
        return new TokenKey(accountId, String.valueOf((char) AFTER_ANY_ID));
    }
}
