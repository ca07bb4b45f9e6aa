package dev.lastseen.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedMemoryRocksDBConfigTest {
    static {
        RocksDB.loadLibrary();
    }

    @Test
    void everyStoreGetsTheSameSharedCacheAndCappedMemtables() {
        BoundedMemoryRocksDBConfig setter = new BoundedMemoryRocksDBConfig();
        try (Options a = new Options().setTableFormatConfig(new BlockBasedTableConfig());
                Options b = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
            Map<String, Object> configs = Map.of(BoundedMemoryRocksDBConfig.TOTAL_MEMORY_CONFIG, 64L * 1024 * 1024);
            setter.setConfig("token-usage", a, configs);
            setter.setConfig("token-registry", b, configs);
            BlockBasedTableConfig tableA = (BlockBasedTableConfig) a.tableFormatConfig();
            assertThat(tableA.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(a.writeBufferSize()).isEqualTo(b.writeBufferSize()).isLessThanOrEqualTo(16L * 1024 * 1024);
            assertThat(a.maxWriteBufferNumber()).isEqualTo(3);
            assertThat(BoundedMemoryRocksDBConfig.sharedMemory(64L * 1024 * 1024, 0.25))
                    .isSameAs(BoundedMemoryRocksDBConfig.sharedMemory(64L * 1024 * 1024, 0.25));
        }
    }

    @Test
    void aTooSmallBudgetIsRejectedNamingTheKey() {
        try (Options o = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
            assertThatThrownBy(() -> new BoundedMemoryRocksDBConfig()
                            .setConfig("s", o, Map.of(BoundedMemoryRocksDBConfig.TOTAL_MEMORY_CONFIG, "1024")))
                    .hasMessageContaining(BoundedMemoryRocksDBConfig.TOTAL_MEMORY_CONFIG);
            assertThatThrownBy(() -> new BoundedMemoryRocksDBConfig()
                            .setConfig("s", o, Map.of(BoundedMemoryRocksDBConfig.WRITE_BUFFER_RATIO_CONFIG, "1.5")))
                    .hasMessageContaining(BoundedMemoryRocksDBConfig.WRITE_BUFFER_RATIO_CONFIG);
        }
    }
}
