package dev.lastseen.app.config;

import dev.lastseen.config.KafkaClientConfig;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.state.BoundedMemoryRocksDBConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The one place the Kafka Streams properties of {@code lastseen run} are derived: lastseen's
 * defaults, then every key outside the {@code lastseen.} namespace as given, then what lastseen's
 * own keys decide (RocksDB memory, static membership, the dead-letter topic). The wiring adds only
 * the instance's runtime objects (handlers, metrics) to this.
 */
public final class KafkaStreamsConfig {
    public static final String ROCKSDB_MEMORY_BYTES = BoundedMemoryRocksDBConfig.TOTAL_MEMORY_CONFIG;
    public static final String ROCKSDB_WRITE_BUFFER_RATIO = BoundedMemoryRocksDBConfig.WRITE_BUFFER_RATIO_CONFIG;
    public static final String STATE_UNCOMMITTED_MAX_BYTES = "lastseen.state.uncommitted.max.bytes";

    private KafkaStreamsConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        ROCKSDB_MEMORY_BYTES,
                        ConfigDef.Type.LONG,
                        BoundedMemoryRocksDBConfig.DEFAULT_TOTAL_MEMORY,
                        Range.atLeast(16L * 1024 * 1024),
                        Importance.MEDIUM,
                        "Total off-heap memory of all RocksDB stores (block cache + memtables).")
                .define(
                        ROCKSDB_WRITE_BUFFER_RATIO,
                        ConfigDef.Type.DOUBLE,
                        BoundedMemoryRocksDBConfig.DEFAULT_WRITE_BUFFER_RATIO,
                        Range.between(0.05, 0.9),
                        Importance.LOW,
                        "Share of the RocksDB memory given to memtables.")
                .define(
                        STATE_UNCOMMITTED_MAX_BYTES,
                        ConfigDef.Type.LONG,
                        32L * 1024 * 1024,
                        Range.between(1024L * 1024, 4L * 1024 * 1024 * 1024),
                        Importance.LOW,
                        "Under exactly-once the state stores are transactional (after a crash a store resumes from its last commit): "
                                + "the writes of the commit in progress wait in a transaction buffer (a sorted map on the "
                                + "heap, and RocksDB's write batch off-heap). This bounds all buffers of the instance; "
                                + "reaching it commits early (Kafka Streams' statestore.uncommitted.max.bytes).");
    }

    // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG is deprecated because Kafka 5.0 makes it the default;
    // setting it now keeps the behaviour the same across that change.
    @SuppressWarnings("deprecation")
    public static Map<String, Object> from(Map<String, Object> given, AbstractConfig own, TopicNames topics) {
        Map<String, Object> p = new HashMap<>();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "lastseen");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDBConfig.class.getName());
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetter());
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        // lastseen has no global stores; opting in now is what Kafka 5.0 will default to (and silences its warning).
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Throughput defaults measured by bench/run.sh (see BENCHMARKS.md). No lastseen result depends on the
        // timestamp order across a task's input partitions (usage and registry are separate field groups, and
        // last-seen is a max register), so tasks need not idle for empty partitions; with idling on, Kafka
        // Streams formats log strings per record for the always-empty rekey partition (~30% of throughput).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // One transaction a second instead of ten: fewer commits and cache flushes, more dedup of hot tokens
        // in the record cache. Freshness (event time to queryable) is unaffected: queries read the cache.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        p.putAll(given);
        // RocksDB bounds travel in the streams config: RocksDBConfigSetter receives the streams configs.
        p.put(ROCKSDB_MEMORY_BYTES, own.getLong(ROCKSDB_MEMORY_BYTES));
        p.put(ROCKSDB_WRITE_BUFFER_RATIO, own.getDouble(ROCKSDB_WRITE_BUFFER_RATIO));
        instanceIdAsGroupInstanceId(p, own.getString(RestartConfig.INSTANCE_ID));
        transactionalStoresUnderExactlyOnce(p, own.getLong(STATE_UNCOMMITTED_MAX_BYTES));
        KafkaClientConfig.requireBootstrapServers(p);
        if (!topics.deadLetter().equals(p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))) {
            throw new ConfigException(
                    StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                    p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG),
                    "must not be set directly: set " + TopicsConfig.DLQ);
        }
        new StreamsConfig(p); // validates every Kafka Streams key; its errors name the key
        return p;
    }

    /**
     * KIP-892: under exactly-once, transactional stores keep their local state through a crash (only the
     * writes since the last commit are replayed) instead of being wiped and restored from the changelog.
     * Their buffer is bounded only through {@value #STATE_UNCOMMITTED_MAX_BYTES}, so there is one bound to
     * size next to the RocksDB and record-cache bounds.
     */
    private static void transactionalStoresUnderExactlyOnce(Map<String, Object> p, long uncommittedMaxBytes) {
        if (p.containsKey(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG)) {
            throw new ConfigException(
                    StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG,
                    p.get(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG),
                    "must not be set directly: set " + STATE_UNCOMMITTED_MAX_BYTES);
        }
        p.put(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, uncommittedMaxBytes);
        if (StreamsConfig.EXACTLY_ONCE_V2.equals(String.valueOf(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)))) {
            p.putIfAbsent(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        }
    }

    /**
     * Static membership: Kafka Streams gives each stream thread's consumer {@code group.instance.id} +
     * "-" + its thread index. It is set only through {@value RestartConfig#INSTANCE_ID}, so there is one name to get
     * right; a {@code group.instance.id} set directly (plain or with a consumer prefix) is refused.
     */
    private static void instanceIdAsGroupInstanceId(Map<String, Object> p, String instanceId) {
        for (String key : List.of(
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))) {
            if (p.containsKey(key)) {
                throw new ConfigException(
                        key, p.get(key), "must not be set directly: set " + RestartConfig.INSTANCE_ID);
            }
        }
        if (instanceId != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
    }
}
