package dev.lastseen.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Compact binary layout of the stored values: a version byte, then fixed-width longs and
 * length-prefixed UTF-8 strings (-1 for null). Hand-sized because it is on the hot path of
 * every login event; the version byte leaves room to evolve the layout.
 */
final class ValueCodec {
    static final byte USAGE_V1 = 1;
    /** v2 adds lastFailureAt after the four v1 longs. */
    static final byte USAGE_V2 = 2;
    /** v3 adds retiredAt after lastFailureAt. */
    static final byte USAGE_V3 = 3;
    /** The registry layout (secret-free: it has no field for one). */
    static final byte REGISTRY_V2 = 2;

    private ValueCodec() {}

    static byte[] encode(UsageFields u) {
        byte[] colo = utf8(u.lastSeenColo());
        byte[] ip = utf8(u.lastSeenIp());
        ByteBuffer b = ByteBuffer.allocate(1 + 8 * 6 + 4 + len(colo) + 4 + len(ip));
        b.put(USAGE_V3)
                .putLong(u.lastSeenAt())
                .putLong(u.successCount())
                .putLong(u.failureCount())
                .putLong(u.lastPatchedAt())
                .putLong(u.lastFailureAt())
                .putLong(u.retiredAt());
        putString(b, colo);
        putString(b, ip);
        return b.array();
    }

    static UsageFields decodeUsage(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != USAGE_V1 && version != USAGE_V2 && version != USAGE_V3) {
            throw new IllegalStateException("Unknown usage value layout version " + version);
        }
        long lastSeenAt = b.getLong();
        long success = b.getLong();
        long failure = b.getLong();
        long patched = b.getLong();
        long lastFailureAt = version >= USAGE_V2 ? b.getLong() : UsageFields.NEVER;
        long retiredAt = version >= USAGE_V3 ? b.getLong() : UsageFields.NEVER;
        String colo = getString(b);
        String ip = getString(b);
        return new UsageFields(lastSeenAt, colo, ip, success, failure, patched, lastFailureAt, retiredAt);
    }

    static byte[] encode(RegistryFields r) {
        byte[] name = utf8(r.name());
        byte[] clientId = utf8(r.clientId());
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 1 + 8 + 8 + len(name) + len(clientId));
        b.put(REGISTRY_V2)
                .putLong(r.createdAt())
                .put((byte) (r.expiresAt() == null ? 0 : 1))
                .putLong(r.expiresAt() == null ? 0 : r.expiresAt());
        putString(b, name);
        putString(b, clientId);
        return b.array();
    }

    static RegistryFields decodeRegistry(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != REGISTRY_V2) {
            throw new IllegalStateException("Unknown registry value layout version " + version);
        }
        long createdAt = b.getLong();
        boolean expiring = b.get() == 1;
        long expires = b.getLong();
        String name = getString(b);
        String clientId = getString(b);
        return new RegistryFields(name, clientId, createdAt, expiring ? expires : null);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static void putString(ByteBuffer b, byte[] s) {
        if (s == null) {
            b.putInt(-1);
        } else {
            b.putInt(s.length).put(s);
        }
    }

    private static String getString(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) {
            return null;
        }
        String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }
}
