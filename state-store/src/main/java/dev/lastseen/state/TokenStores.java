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
 * replicated to standbys) and cached, so a hot token's many updates between commits reach
 * RocksDB and the changelog once.
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

    public StoreBuilder<KeyValueStore<TokenKey, UsageFields>> usageBuilder() {
        return Stores.keyValueStoreBuilder(usage, StateSerdes.tokenKey(), StateSerdes.usage())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
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
