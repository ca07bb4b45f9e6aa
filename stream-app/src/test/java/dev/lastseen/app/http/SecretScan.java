package dev.lastseen.app.http;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The suite-wide check that no response body ever carries a secret. Tests register every
 * secret they put into the system (the registry records' {@code client_secret_hash} values and
 * the API keys) before it can reach a store, and every HTTP response body a test reads goes
 * through {@link #check}, which fails the test on the spot if a registered secret is in it.
 * Secrets are indexed by a short prefix so that checking a body against 100,000 secrets costs
 * a few substring lookups, not 100,000 scans.
 */
public final class SecretScan {
    private static final int PREFIX = 6;
    /** prefix → (length → secrets of that prefix and length) */
    private static final Map<String, Map<Integer, Set<String>>> SECRETS = new ConcurrentHashMap<>();

    private static final AtomicLong SECRET_COUNT = new AtomicLong();
    private static final AtomicLong BODIES = new AtomicLong();

    private SecretScan() {}

    public static void registerSecret(String secret) {
        if (secret.length() < PREFIX) {
            throw new IllegalArgumentException("test secrets must be at least " + PREFIX + " characters");
        }
        boolean added = SECRETS.computeIfAbsent(secret.substring(0, PREFIX), p -> new ConcurrentHashMap<>())
                .computeIfAbsent(secret.length(), l -> ConcurrentHashMap.newKeySet())
                .add(secret);
        if (added) {
            SECRET_COUNT.incrementAndGet();
        }
    }

    /** Fails with an AssertionError naming where, never printing the body's secret itself. */
    public static void check(String body, String where) {
        BODIES.incrementAndGet();
        String found = find(body);
        if (found != null) {
            throw new AssertionError("A response body contains a registered secret (" + found.length()
                    + " characters, starting " + found.substring(0, PREFIX) + "...) at " + where);
        }
    }

    /** The first registered secret in {@code text}, or null. */
    public static String find(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        for (Map.Entry<String, Map<Integer, Set<String>>> byPrefix : SECRETS.entrySet()) {
            String prefix = byPrefix.getKey();
            for (int at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
                for (Map.Entry<Integer, Set<String>> byLength :
                        byPrefix.getValue().entrySet()) {
                    int end = at + byLength.getKey();
                    if (end <= text.length() && byLength.getValue().contains(text.substring(at, end))) {
                        return text.substring(at, end);
                    }
                }
            }
        }
        return null;
    }

    public static long bodiesChecked() {
        return BODIES.get();
    }

    public static long secretsRegistered() {
        return SECRET_COUNT.get();
    }
}
