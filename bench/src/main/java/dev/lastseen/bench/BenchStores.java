package dev.lastseen.bench;

import dev.lastseen.state.BoundedMemoryRocksDBConfig;
import dev.lastseen.state.StateSerdes;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageFields;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Real Kafka Streams usage stores, initialised outside a topology with the application's RocksDB bounds. */
public final class BenchStores {
    private BenchStores() {}

    /** The usage store, in memory or on RocksDB (under {@code stateDir}), unlogged and uncached: the bare store cost. */
    public static KeyValueStore<TokenKey, UsageFields> usage(String kind, Path stateDir) {
        return init(
                Stores.keyValueStoreBuilder(
                        supplier(kind, StoreNames.TOKEN_USAGE), StateSerdes.tokenKey(), StateSerdes.usage()),
                stateDir);
    }

    /** The usage group's index of never-successful entries, like {@link #usage}. */
    public static KeyValueStore<Bytes, byte[]> neverSeen(String kind, Path stateDir) {
        return init(
                Stores.keyValueStoreBuilder(
                        supplier(kind, StoreNames.TOKEN_USAGE_NEVER_SEEN), Serdes.Bytes(), Serdes.ByteArray()),
                stateDir);
    }

    /** The usage group's index of held-back patches, in memory or on RocksDB, unlogged and uncached. */
    public static KeyValueStore<Bytes, byte[]> trailing(String kind, Path stateDir) {
        return init(
                Stores.keyValueStoreBuilder(
                        supplier(kind, StoreNames.TOKEN_USAGE_TRAILING), Serdes.Bytes(), Serdes.ByteArray()),
                stateDir);
    }

    /** The last-seen guard's store (token id → last patched last_seen_at), in memory or on RocksDB, unlogged and uncached. */
    public static KeyValueStore<String, Long> guard(String kind, Path stateDir) {
        return init(
                Stores.keyValueStoreBuilder(supplier(kind, StoreNames.LAST_SEEN_GUARD), Serdes.String(), Serdes.Long()),
                stateDir);
    }

    private static KeyValueBytesStoreSupplier supplier(String kind, String name) {
        return switch (kind) {
            case "memory" -> Stores.inMemoryKeyValueStore(name);
            case "rocksdb" -> Stores.persistentKeyValueStore(name);
            default -> throw new IllegalArgumentException("store must be memory or rocksdb, was " + kind);
        };
    }

    private static <K, V> KeyValueStore<K, V> init(StoreBuilder<KeyValueStore<K, V>> builder, Path stateDir) {
        KeyValueStore<K, V> store =
                builder.withLoggingDisabled().withCachingDisabled().build();
        MockProcessorContext<Object, Object> context = context(stateDir);
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    public static <K, V> MockProcessorContext<K, V> context(Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "lastseen-bench");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDBConfig.class.getName());
        p.put(BoundedMemoryRocksDBConfig.TOTAL_MEMORY_CONFIG, BoundedMemoryRocksDBConfig.DEFAULT_TOTAL_MEMORY);
        return new MockProcessorContext<>(p, new TaskId(0, 0), stateDir.toFile());
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("lastseen-bench-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary state directory", e);
        }
    }

    public static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
