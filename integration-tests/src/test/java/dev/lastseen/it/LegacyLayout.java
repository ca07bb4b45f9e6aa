package dev.lastseen.it;

import dev.lastseen.state.TokenKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Utils;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * The state lastseen left before the secret-free registry (registry layout v1), written byte
 * for byte as that version wrote it: the {@code token-registry} changelog and the
 * {@code registry-by-account} repartition topic, whose values carried {@code client_secret_hash};
 * the usage and index changelogs (same names and layouts as today); and a local
 * {@code token-registry} RocksDB directory, uncompressed as Kafka Streams writes its stores.
 */
final class LegacyLayout {
    static final String LEGACY_REGISTRY_STORE = "token-registry";
    static final String LEGACY_REGISTRY_TOPIC = "registry-by-account";

    private LegacyLayout() {}

    /** Registry value layout v1: version 1, createdAt, expiring flag, expiresAt, name, clientId, client_secret_hash. */
    static byte[] registryV1(String name, String clientId, String secret, long createdAt) {
        byte[][] strings = {utf8(name), utf8(clientId), utf8(secret)};
        ByteBuffer b =
                ByteBuffer.allocate(1 + 8 + 1 + 8 + 12 + strings[0].length + strings[1].length + strings[2].length);
        b.put((byte) 1).putLong(createdAt).put((byte) 0).putLong(0);
        for (byte[] s : strings) {
            b.putInt(s.length).put(s);
        }
        return b.array();
    }

    /** A registry-by-account record of layout v1: kind 1 (upsert), token id, then the v1 registry value. */
    static byte[] registryUpsertV1(String tokenId, byte[] registryV1) {
        byte[] token = utf8(tokenId);
        return ByteBuffer.allocate(1 + 4 + token.length + registryV1.length)
                .put((byte) 1)
                .putInt(token.length)
                .put(token)
                .put(registryV1)
                .array();
    }

    /** Usage value layout v2 (what the legacy version wrote; this version still reads it). */
    static byte[] usageV2(long lastSeenAt, long successCount, long failureCount, String colo) {
        byte[] c = utf8(colo);
        return ByteBuffer.allocate(1 + 40 + 4 + c.length + 4)
                .put((byte) 2)
                .putLong(lastSeenAt)
                .putLong(successCount)
                .putLong(failureCount)
                .putLong(lastSeenAt)
                .putLong(Long.MIN_VALUE)
                .putInt(c.length)
                .put(c)
                .putInt(-1)
                .array();
    }

    /** The partition Kafka's default partitioner gives a string key: where Kafka Streams' task for that key lives. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(utf8(key))) % partitions;
    }

    static void createInternalTopics(String bootstrap, String applicationId, int partitions) throws Exception {
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(applicationId + "-" + LEGACY_REGISTRY_STORE + "-changelog", partitions, (short)
                                            1)
                                    .configs(compacted),
                            new NewTopic(applicationId + "-token-usage-changelog", partitions, (short) 1)
                                    .configs(compacted),
                            new NewTopic(applicationId + "-token-account-index-changelog", partitions, (short) 1)
                                    .configs(compacted),
                            new NewTopic(
                                            applicationId + "-" + LEGACY_REGISTRY_TOPIC + "-repartition",
                                            partitions,
                                            (short) 1)
                                    .configs(Map.of(
                                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE))))
                    .all()
                    .get();
        }
    }

    /** A local v1 registry store of one task, with one token in it, flushed to its files. */
    static Path writeLocalRegistryStore(
            Path stateDir, String applicationId, String taskId, TokenKey key, byte[] registryV1) throws Exception {
        RocksDB.loadLibrary();
        Path dir = stateDir.resolve(applicationId)
                .resolve(taskId)
                .resolve("rocksdb")
                .resolve(LEGACY_REGISTRY_STORE);
        Files.createDirectories(dir);
        try (Options options =
                        new Options().setCreateIfMissing(true).setCompressionType(CompressionType.NO_COMPRESSION);
                RocksDB db = RocksDB.open(options, dir.toString());
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.put(key.toBytes(), registryV1);
            db.flush(flush);
        }
        return dir;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
