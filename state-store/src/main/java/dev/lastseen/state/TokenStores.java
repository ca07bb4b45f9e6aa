package dev.lastseen.state;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builders for the token state stores. All are changelogged (restored after a crash,
 * replicated to standbys) and cached (the usage store by its own write-behind layer), so a hot
 * token's many updates between commits reach RocksDB and the changelog once.
 *
 * @param registry          supplier of the registry group's bytes store
 * @param usage             supplier of the usage group's bytes store
 * @param tokenAccountIndex supplier of the token → account index
 * @param lastSeenGuard     supplier of the token → last emitted last-seen store ({@link LastSeenGuard})
 * @param neverSeen         supplier of the usage group's index of never-successful entries ({@link NeverSeenIndex})
 * @param trailing          supplier of the usage group's index of held-back patches ({@link TrailingPatchIndex})
 */
public record TokenStores(
        KeyValueBytesStoreSupplier registry,
        KeyValueBytesStoreSupplier usage,
        KeyValueBytesStoreSupplier tokenAccountIndex,
        KeyValueBytesStoreSupplier lastSeenGuard,
        KeyValueBytesStoreSupplier neverSeen,
        KeyValueBytesStoreSupplier trailing) {

    /** RocksDB-backed stores: what the application runs with. */
    public static TokenStores persistent() {
        return new TokenStores(
                Stores.persistentKeyValueStore(StoreNames.TOKEN_REGISTRY),
                Stores.persistentKeyValueStore(StoreNames.TOKEN_USAGE),
                Stores.persistentKeyValueStore(StoreNames.TOKEN_ACCOUNT_INDEX),
                Stores.persistentKeyValueStore(StoreNames.LAST_SEEN_GUARD),
                Stores.persistentKeyValueStore(StoreNames.TOKEN_USAGE_NEVER_SEEN),
                Stores.persistentKeyValueStore(StoreNames.TOKEN_USAGE_TRAILING));
    }

    /** In-memory stores (changelogged all the same): for tests. */
    public static TokenStores inMemory() {
        return new TokenStores(
                Stores.inMemoryKeyValueStore(StoreNames.TOKEN_REGISTRY),
                Stores.inMemoryKeyValueStore(StoreNames.TOKEN_USAGE),
                Stores.inMemoryKeyValueStore(StoreNames.TOKEN_ACCOUNT_INDEX),
                Stores.inMemoryKeyValueStore(StoreNames.LAST_SEEN_GUARD),
                Stores.inMemoryKeyValueStore(StoreNames.TOKEN_USAGE_NEVER_SEEN),
                Stores.inMemoryKeyValueStore(StoreNames.TOKEN_USAGE_TRAILING));
    }

    public StoreBuilder<KeyValueStore<TokenKey, RegistryFields>> registryBuilder() {
        return Stores.keyValueStoreBuilder(registry, StateSerdes.tokenKey(), StateSerdes.registry())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }

    /**
     * Tokens the usage store's write-behind layer holds between commits at most (about 35 MiB of heap
     * at this bound; Kafka Streams' record cache is off for this store).
     */
    public static final int USAGE_HELD_ENTRIES = 100_000;

    /**
     * The usage store: changelogged like the others, but coalesced between commits by {@link
     * CoalescingUsageStore} instead of Kafka Streams' record cache (the login path's per-event cost);
     * it writes below inside the task commit, in the transaction of its input's offsets.
     */
    public StoreBuilder<KeyValueStore<TokenKey, UsageFields>> usageBuilder() {
        return new CoalescingUsageStoreBuilder(
                Stores.keyValueStoreBuilder(usage, StateSerdes.tokenKey(), StateSerdes.usage())
                        .withLoggingEnabled(Map.of()),
                USAGE_HELD_ENTRIES);
    }

    public StoreBuilder<KeyValueStore<Bytes, byte[]>> neverSeenBuilder() {
        return Stores.keyValueStoreBuilder(neverSeen, Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }

    public StoreBuilder<KeyValueStore<Bytes, byte[]>> trailingBuilder() {
        return Stores.keyValueStoreBuilder(trailing, Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }

    public StoreBuilder<KeyValueStore<String, String>> tokenAccountIndexBuilder() {
        return Stores.keyValueStoreBuilder(tokenAccountIndex, Serdes.String(), Serdes.String())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }

    public StoreBuilder<KeyValueStore<String, Long>> lastSeenGuardBuilder() {
        return Stores.keyValueStoreBuilder(lastSeenGuard, Serdes.String(), Serdes.Long())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }
}
