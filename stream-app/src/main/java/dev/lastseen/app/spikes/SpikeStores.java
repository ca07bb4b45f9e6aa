package dev.lastseen.app.spikes;

import dev.lastseen.state.StoreNames;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The failure-spike detector's two stores (named in {@link StoreNames}). Both are
 * changelogged, so a restarted or moved task keeps its open windows, its baselines and its
 * closing time (which is what keeps alerts at one per key and window).
 *
 * @param windowCounts supplier of the open windows' bytes store
 * @param baselines    supplier of the baselines' bytes store
 */
public record SpikeStores(KeyValueBytesStoreSupplier windowCounts, KeyValueBytesStoreSupplier baselines) {

    /** RocksDB-backed stores: what the application runs with. */
    public static SpikeStores persistent() {
        return new SpikeStores(
                Stores.persistentKeyValueStore(StoreNames.FAILURE_WINDOW_COUNTS),
                Stores.persistentKeyValueStore(StoreNames.FAILURE_BASELINES));
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
