package dev.lastseen.app.topology;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/** Wraps a store so a test can see every data access (reads and writes) made to it. */
final class RecordingStores {
    /** Operations that read or write data; lifecycle calls (init, flush, close, name, ...) are not accesses. */
    static final Set<String> DATA_OPERATIONS = Set.of(
            "get",
            "put",
            "putIfAbsent",
            "putAll",
            "delete",
            "range",
            "reverseRange",
            "all",
            "reverseAll",
            "prefixScan",
            "approximateNumEntries",
            "query");

    private RecordingStores() {}

    static final class Recording implements KeyValueBytesStoreSupplier {
        private final KeyValueBytesStoreSupplier inner;
        final List<String> accesses = new CopyOnWriteArrayList<>();

        Recording(KeyValueBytesStoreSupplier inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        @SuppressWarnings("unchecked")
        public KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> get() {
            KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> delegate = inner.get();
            return (KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>) Proxy.newProxyInstance(
                    KeyValueStore.class.getClassLoader(),
                    new Class<?>[] {KeyValueStore.class},
                    (proxy, method, args) -> {
                        if (DATA_OPERATIONS.contains(method.getName())) {
                            accesses.add(method.getName());
                        }
                        try {
                            return method.invoke(delegate, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public String metricsScope() {
            return inner.metricsScope();
        }
    }
}
