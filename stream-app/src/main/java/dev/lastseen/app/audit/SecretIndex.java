package dev.lastseen.app.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of secrets (their UTF-8 bytes) to look for in arbitrary bytes, each with a label that
 * may be shown (such as its token id; never the secret). Finding one among a million secrets in a
 * byte array costs one rolling 8-byte window per position: a bit-set filter rejects almost every
 * window, and only a window that starts some secret is compared in full. Secrets shorter than
 * {@link #MIN_BYTES} cannot be looked for without matching ordinary data, and are refused.
 */
public final class SecretIndex {
    /** Shortest secret that can be looked for: the window length. */
    public static final int MIN_BYTES = 8;

    private static final int FILTER_BITS = 1 << 24;

    private final Map<Long, List<Secret>> byPrefix = new HashMap<>();
    private final BitSet filter = new BitSet(FILTER_BITS);
    private int size;

    /** Where a secret was found: its label and the byte offset. */
    public record Match(String label, int offset) {}

    /** One secret's bytes (a class, not a record: the array is compared by content where it matters). */
    private static final class Secret {
        private final byte[] bytes;
        private final String label;

        Secret(byte[] bytes, String label) {
            this.bytes = bytes;
            this.label = label;
        }

        byte[] bytes() {
            return bytes;
        }

        String label() {
            return label;
        }
    }

    /** Adds a secret; returns false (and keeps nothing) when it is shorter than {@link #MIN_BYTES} bytes or already present. */
    public boolean add(String secret, String label) {
        return add(secret.getBytes(StandardCharsets.UTF_8), label);
    }

    public boolean add(byte[] secret, String label) {
        if (secret.length < MIN_BYTES) {
            return false;
        }
        long prefix = window(secret, 0);
        List<Secret> same = byPrefix.computeIfAbsent(prefix, p -> new ArrayList<>(1));
        for (Secret s : same) {
            if (Arrays.equals(s.bytes(), secret)) {
                return false;
            }
        }
        same.add(new Secret(secret.clone(), label));
        filter.set(slot(prefix));
        size++;
        return true;
    }

    public int size() {
        return size;
    }

    /** The first secret found in {@code data} (null or empty: none). */
    public Match find(byte[] data) {
        if (data == null || data.length < MIN_BYTES || size == 0) {
            return null;
        }
        long w = window(data, 0);
        for (int at = 0; ; at++) {
            if (filter.get(slot(w))) {
                List<Secret> candidates = byPrefix.get(w);
                if (candidates != null) {
                    for (Secret s : candidates) {
                        if (at + s.bytes().length <= data.length
                                && Arrays.equals(data, at, at + s.bytes().length, s.bytes(), 0, s.bytes().length)) {
                            return new Match(s.label(), at);
                        }
                    }
                }
            }
            if (at + MIN_BYTES >= data.length) {
                return null;
            }
            w = (w << 8) | (data[at + MIN_BYTES] & 0xff);
        }
    }

    private static long window(byte[] b, int at) {
        long w = 0;
        for (int i = 0; i < MIN_BYTES; i++) {
            w = (w << 8) | (b[at + i] & 0xff);
        }
        return w;
    }

    private static int slot(long window) {
        long h = window * 0x9E3779B97F4A7C15L; // Fibonacci hashing: spreads similar prefixes
        return (int) (h >>> 40);
    }
}
