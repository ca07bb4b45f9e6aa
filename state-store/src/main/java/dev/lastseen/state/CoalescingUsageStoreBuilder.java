package dev.lastseen.state;

import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds the usage store as {@link CoalescingUsageStore} over Kafka Streams' changelogged, metered
 * store with its record cache off (the coalescing layer takes the cache's place for this store).
 */
final class CoalescingUsageStoreBuilder implements StoreBuilder<KeyValueStore<TokenKey, UsageFields>> {
    private final StoreBuilder<KeyValueStore<TokenKey, UsageFields>> below;
    private final int maxEntries;

    CoalescingUsageStoreBuilder(StoreBuilder<KeyValueStore<TokenKey, UsageFields>> below, int maxEntries) {
        this.below = below.withCachingDisabled();
        this.maxEntries = maxEntries;
    }

    @Override
    public StoreBuilder<KeyValueStore<TokenKey, UsageFields>> withCachingEnabled() {
        return this; // the coalescing layer is this store's cache
    }

    @Override
    public StoreBuilder<KeyValueStore<TokenKey, UsageFields>> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<TokenKey, UsageFields>> withLoggingEnabled(Map<String, String> config) {
        below.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<TokenKey, UsageFields>> withLoggingDisabled() {
        below.withLoggingDisabled();
        return this;
    }

    @Override
    public KeyValueStore<TokenKey, UsageFields> build() {
        return new CoalescingUsageStore(below.build(), maxEntries);
    }

    @Override
    public Map<String, String> logConfig() {
        return below.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return below.loggingEnabled();
    }

    @Override
    public String name() {
        return below.name();
    }
}
