package dev.lastseen.app.topology;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Wraps a store so a test can see every data access (reads and writes) made to it, and count
 * store operations: every data access plus every entry an iterator returns (a range that
 * examines a million entries is a million operations, not one).
 */
public final class RecordingStores {
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

    /** A store supplier whose stores record their accesses; the bottom of the store stack, below cache and changelog. */
    public static final class Recording implements KeyValueBytesStoreSupplier {
        private final KeyValueBytesStoreSupplier inner;
        final List<String> accesses = new CopyOnWriteArrayList<>();
        private final AtomicLong operations = new AtomicLong();
        private volatile boolean recordAccesses = true;
        private volatile KeyValueStore<Bytes, byte[]> lastCreated;

        public Recording(KeyValueBytesStoreSupplier inner) {
            this.inner = inner;
        }

        /** Data accesses plus entries returned by iterators, since the last {@link #reset}. */
        public long operations() {
            return operations.get();
        }

        /** Starts counting afresh; with {@code keepList} false the access list stays empty (bulk loads). */
        public void reset(boolean keepList) {
            operations.set(0);
            accesses.clear();
            recordAccesses = keepList;
        }

        /** The bytes store last created, without the recording: for bulk set-up that must not count. */
        public KeyValueStore<Bytes, byte[]> unrecorded() {
            return lastCreated;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        @SuppressWarnings("unchecked")
        public KeyValueStore<Bytes, byte[]> get() {
            KeyValueStore<Bytes, byte[]> delegate = inner.get();
            lastCreated = delegate;
            return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(
                    KeyValueStore.class.getClassLoader(),
                    new Class<?>[] {KeyValueStore.class},
                    (proxy, method, args) -> {
                        boolean data = DATA_OPERATIONS.contains(method.getName());
                        if (data) {
                            operations.incrementAndGet();
                            if (recordAccesses) {
                                accesses.add(method.getName());
                            }
                        }
                        Object result;
                        try {
                            result = method.invoke(delegate, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        return data && result instanceof KeyValueIterator<?, ?> it ? counting(it) : result;
                    });
        }

        private <K, V> KeyValueIterator<K, V> counting(KeyValueIterator<K, V> it) {
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<K, V> next() {
                    operations.incrementAndGet();
                    return it.next();
                }

                @Override
                public K peekNextKey() {
                    return it.peekNextKey();
                }

                @Override
                public void close() {
                    it.close();
                }
            };
        }

        @Override
        public String metricsScope() {
            return inner.metricsScope();
        }
    }
}
