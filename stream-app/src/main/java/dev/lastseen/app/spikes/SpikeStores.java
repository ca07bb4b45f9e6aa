package dev.lastseen.app.spikes;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The failure-spike detector's two stores: the only place their names are spelled. Both are
 * changelogged, so a restarted or moved task keeps its open windows, its baselines and the
 * event time it has seen (which is what keeps alerts at one per key and window).
 */
public final class SpikeStores {
    /** Open windows: {@link WindowKeys#window} → failures so far; plus the task's observed event time. */
    public static final String WINDOW_COUNTS = "auth-failure-window-counts";
    /** Scope key (account, or account and token) → {@link Baseline}: one entry per key, deleted once decayed. */
    public static final String BASELINES = "auth-failure-baselines";

    private SpikeStores() {}

    static StoreBuilder<KeyValueStore<String, Long>> windowCounts() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(WINDOW_COUNTS), Serdes.String(), Serdes.Long())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }

    static StoreBuilder<KeyValueStore<String, Baseline>> baselines() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BASELINES), Serdes.String(), Baseline.SERDE)
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }
}
