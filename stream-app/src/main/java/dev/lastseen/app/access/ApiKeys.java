package dev.lastseen.app.access;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The API keys in force: each key's digest and the accounts it may read. A presented key is
 * compared with every entry (equal-length digests, {@link MessageDigest#isEqual}, no early exit),
 * so the time taken says nothing about which entry matched or how close a guess was.
 */
public final class ApiKeys {
    /** No keys: every request is refused (no key file configured). */
    public static final ApiKeys NONE = new ApiKeys(List.of());

    /** One line of the key file. */
    // The digest is compared in constant time and never exposed; array identity in equals is moot.
    @SuppressWarnings("ArrayRecordComponent")
    public record Entry(byte[] digest, AccountScope scope) {}

    private final List<Entry> entries;

    public ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The scope of the key, or empty when it is not one of ours. */
    public Optional<AccountScope> scopeOf(String presentedKey) {
        byte[] presented = KeyDigest.of(presentedKey);
        AccountScope found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), presented) && found == null) {
                found = e.scope(); // keeps looping: same work whichever entry matched
            }
        }
        return Optional.ofNullable(found);
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** For the log: how many keys, how many of them read every account. */
    public String describe() {
        long all = entries.stream().filter(e -> e.scope().everyAccount()).count();
        return entries.size() + " key(s), " + all + " of them for every account";
    }
}
