package dev.lastseen.state;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** Real Kafka Streams key-value stores, initialised outside a topology, for state-store unit tests. */
final class Stores4Test {
    private Stores4Test() {}

    /** A bytes store, like the never-seen index. */
    static KeyValueStore<Bytes, byte[]> inMemoryBytes(String name) {
        return inMemory(name, Serdes.Bytes(), Serdes.ByteArray());
    }

    static <V> KeyValueStore<TokenKey, V> inMemory(String name, Serde<V> values) {
        return inMemory(name, StateSerdes.tokenKey(), values);
    }

    private static <K, V> KeyValueStore<K, V> inMemory(String name, Serde<K> keys, Serde<V> values) {
        KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingDisabled()
                .withCachingDisabled()
                .build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
