package dev.lastseen.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of the process: one block cache and one
 * write buffer manager, shared by all stores and all tasks, so memory is set by
 * configuration and not by the number of tokens, partitions or stores. Index and filter
 * blocks live in the cache too (otherwise they grow with the data).
 *
 * <p>Configured through the streams properties {@value #TOTAL_MEMORY_CONFIG} (default 256 MiB)
 * and {@value #WRITE_BUFFER_RATIO_CONFIG} (share of the total for memtables, default 0.25).
 */
public final class BoundedMemoryRocksDBConfig implements RocksDBConfigSetter {
    public static final String TOTAL_MEMORY_CONFIG = "lastseen.rocksdb.memory.bytes";
    public static final String WRITE_BUFFER_RATIO_CONFIG = "lastseen.rocksdb.write.buffer.ratio";
    public static final long DEFAULT_TOTAL_MEMORY = 256L * 1024 * 1024;
    public static final double DEFAULT_WRITE_BUFFER_RATIO = 0.25;
    /** Share of the cache kept for index and filter blocks (high priority pool). */
    private static final double INDEX_FILTER_BLOCK_RATIO = 0.1;

    private static final long BLOCK_SIZE = 16 * 1024;
    private static final int MAX_WRITE_BUFFERS = 3;

    private static SharedMemory shared;

    record SharedMemory(long totalBytes, double writeBufferRatio, Cache cache, WriteBufferManager writeBufferManager) {}

    /** Creates the process-wide cache on first use; later configurations must agree with it. */
    static synchronized SharedMemory sharedMemory(long totalBytes, double writeBufferRatio) {
        if (shared == null) {
            Cache cache = new LRUCache(totalBytes, -1, false, INDEX_FILTER_BLOCK_RATIO);
            // The write buffer manager charges memtables to the same cache: one bound for both.
            WriteBufferManager wbm = new WriteBufferManager((long) (totalBytes * writeBufferRatio), cache);
            shared = new SharedMemory(totalBytes, writeBufferRatio, cache, wbm);
        }
        return shared;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long total = longConfig(configs, TOTAL_MEMORY_CONFIG, DEFAULT_TOTAL_MEMORY);
        double ratio = doubleConfig(configs, WRITE_BUFFER_RATIO_CONFIG, DEFAULT_WRITE_BUFFER_RATIO);
        SharedMemory memory = sharedMemory(total, ratio);

        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBufferManager());
        options.setMaxWriteBufferNumber(MAX_WRITE_BUFFERS);
        // Each memtable at most a share of the bound, so many stores cannot each claim a default 16 MiB.
        options.setWriteBufferSize(Math.max(1L << 20, (long) (total * ratio) / (MAX_WRITE_BUFFERS * 4)));
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write buffer manager are shared by every store of the process: never close them here.
    }

    private static long longConfig(Map<String, Object> configs, String key, long fallback) {
        Object v = configs.get(key);
        if (v == null) {
            return fallback;
        }
        long parsed = v instanceof Number n
                ? n.longValue()
                : Long.parseLong(v.toString().trim());
        if (parsed < 16L * 1024 * 1024) {
            throw new IllegalArgumentException(key + " must be at least 16 MiB, was " + parsed);
        }
        return parsed;
    }

    private static double doubleConfig(Map<String, Object> configs, String key, double fallback) {
        Object v = configs.get(key);
        if (v == null) {
            return fallback;
        }
        double parsed = v instanceof Number n
                ? n.doubleValue()
                : Double.parseDouble(v.toString().trim());
        if (!(parsed > 0 && parsed < 1)) {
            throw new IllegalArgumentException(key + " must be between 0 and 1 (exclusive), was " + parsed);
        }
        return parsed;
    }
}
