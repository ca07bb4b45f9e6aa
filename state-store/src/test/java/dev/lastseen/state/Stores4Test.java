package dev.lastseen.state;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** Real Kafka Streams key-value stores, initialised outside a topology, for state-store unit tests. */
final class Stores4Test {
    private Stores4Test() {}

    static <V> KeyValueStore<TokenKey, V> inMemory(String name, Serde<V> values) {
        KeyValueStore<TokenKey, V> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), StateSerdes.tokenKey(), values)
                .withLoggingDisabled()
                .withCachingDisabled()
                .build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
