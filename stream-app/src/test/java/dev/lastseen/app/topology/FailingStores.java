package dev.lastseen.app.topology;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store that fails on writes while {@link #failing} is set, as RocksDB does when its disk is full:
 * {@code put} throws the {@link ProcessorStateException} Kafka Streams' RocksDB store throws around an
 * I/O error.
 */
final class FailingStores implements KeyValueBytesStoreSupplier {
    private static final Set<String> WRITES = Set.of("put", "putIfAbsent", "putAll", "delete");
    final AtomicBoolean failing = new AtomicBoolean();
    private final KeyValueBytesStoreSupplier inner;

    FailingStores(KeyValueBytesStoreSupplier inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    @SuppressWarnings("unchecked")
    public KeyValueStore<Bytes, byte[]> get() {
        KeyValueStore<Bytes, byte[]> delegate = inner.get();
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(
                KeyValueStore.class.getClassLoader(), new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (failing.get() && WRITES.contains(method.getName())) {
                        throw new ProcessorStateException(
                                "Error while putting key/value into store " + inner.name(),
                                new IOException("No space left on device"));
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
