package dev.lastseen.state;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One bounded pass of an expiry over a key-value store: examines at most {@code budget} entries
 * in key order, starting after the key where the previous pass stopped, and deletes those the
 * predicate marks expired. Successive passes walk the whole store, so each is cheap and the
 * store stays bounded by what is still live.
 */
public final class BoundedSweep {
    private BoundedSweep() {}

    /** The outcome of one pass: entries deleted, and where the next pass resumes (null: start over). */
    public record Pass<K>(int expired, K resumeAfter) {}

    /**
     * @param resumeAfter the last key examined by the previous pass (exclusive), or null for the start
     * @param after       the smallest key that sorts after a given key (the store's byte order)
     */
    public static <K, V> Pass<K> run(
            KeyValueStore<K, V> store, K resumeAfter, UnaryOperator<K> after, int budget, BiPredicate<K, V> expired) {
        List<K> doomed = new ArrayList<>();
        K last = null;
        int examined = 0;
        boolean more;
        try (KeyValueIterator<K, V> it =
                resumeAfter == null ? store.all() : store.range(after.apply(resumeAfter), null)) {
            while (examined < budget && it.hasNext()) {
                var entry = it.next();
                examined++;
                last = entry.key;
                if (expired.test(entry.key, entry.value)) {
                    doomed.add(entry.key);
                }
            }
            more = it.hasNext();
        }
        doomed.forEach(store::delete); // after the iterator is closed
        return new Pass<>(doomed.size(), more ? last : null);
    }
}
