package dev.lastseen.app.spikes;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The failure-spike detector's two stores: the only place their names are spelled. Both are
 * changelogged, so a restarted or moved task keeps its open windows, its baselines and its
 * closing time (which is what keeps alerts at one per key and window).
 *
 * @param windowCounts supplier of the open windows' bytes store
 * @param baselines    supplier of the baselines' bytes store
 */
public record SpikeStores(KeyValueBytesStoreSupplier windowCounts, KeyValueBytesStoreSupplier baselines) {
    /** Open windows: {@link WindowKeys#window} → failures so far; plus the task's closing time. */
    public static final String WINDOW_COUNTS = "auth-failure-window-counts";
    /** Scope key (account, or account and token) → {@link Baseline}: one entry per key, deleted once decayed. */
    public static final String BASELINES = "auth-failure-baselines";

    /** RocksDB-backed stores: what the application runs with. */
    public static SpikeStores persistent() {
        return new SpikeStores(
                Stores.persistentKeyValueStore(WINDOW_COUNTS), Stores.persistentKeyValueStore(BASELINES));
    }

    StoreBuilder<KeyValueStore<String, Long>> windowCountsBuilder() {
        return Stores.keyValueStoreBuilder(windowCounts, Serdes.String(), Serdes.Long())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }

    StoreBuilder<KeyValueStore<String, Baseline>> baselinesBuilder() {
        return Stores.keyValueStoreBuilder(baselines, Serdes.String(), Baseline.SERDE)
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }
}
