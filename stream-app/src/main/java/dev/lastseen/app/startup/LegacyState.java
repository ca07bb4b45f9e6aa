package dev.lastseen.app.startup;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.topology.LastseenTopology;
import dev.lastseen.state.StoreNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lastseen with the registry layout v1 (before the secret-free registry) left behind that holds {@code client_secret_hash} values: the
 * changelog of its registry store {@code token-registry}, its repartition topic
 * {@code registry-by-account}, and that store's RocksDB directories (actives and standbys) under
 * {@code state.dir}. This version never reads any of it (its registry store and topic have new
 * names); the local directories are deleted at start-up, the topics by
 * {@value #DELETE_COMMAND} once this version has rebuilt its registry (ops/RUNBOOK.md).
 */
public final class LegacyState {
    private static final Logger log = LoggerFactory.getLogger(LegacyState.class);
    /** The command that deletes the legacy topics, as an operator types it. */
    public static final String DELETE_COMMAND = "lastseen delete-legacy-topics --config <file> --execute";

    private LegacyState() {}

    /** Full names of the legacy secret-bearing internal topics of an application id. */
    public static Set<String> secretBearingTopics(String applicationId) {
        Set<String> names = new TreeSet<>();
        StoreNames.LEGACY_SECRET_BEARING_STORES.forEach(store -> names.add(applicationId + "-" + store + "-changelog"));
        LastseenTopology.LEGACY_SECRET_BEARING_REPARTITIONS.forEach(
                topic -> names.add(applicationId + "-" + topic + "-repartition"));
        return names;
    }

    /** The one WARN line naming what is left and the command that deletes it. */
    static String warning(Collection<String> present) {
        return "Internal topics of lastseen with the registry layout v1 still hold client secrets: "
                + String.join(", ", new TreeSet<>(present))
                + ". This version never reads them; once it has rebuilt its registry from the service-tokens topic "
                + "(ops/RUNBOOK.md, 'Upgrade to the secret-free registry'), delete them with: " + DELETE_COMMAND;
    }

    /**
     * Deletes the legacy store directories in this instance's {@code state.dir} (see
     * {@link #purgeLocalStores(Path, String)}), logging what it deleted. {@code run} calls it before
     * Kafka Streams starts.
     */
    public static List<Path> purgeLocalStores(LastseenConfig config) {
        StreamsConfig streams = new StreamsConfig(config.streams());
        List<Path> deleted = purgeLocalStores(
                Path.of(streams.getString(StreamsConfig.STATE_DIR_CONFIG)),
                streams.getString(StreamsConfig.APPLICATION_ID_CONFIG));
        if (!deleted.isEmpty()) {
            log.info(
                    "Deleted {} local store directories of the registry layout v1 that held client secrets (this version never reads "
                            + "them): {}",
                    deleted.size(),
                    deleted);
        }
        return deleted;
    }

    /**
     * Deletes the legacy store directories ({@code <stateDir>/<applicationId>/<task>/rocksdb/token-registry})
     * of every task directory, active or standby. Kafka Streams leaves the directories of stores a
     * topology no longer has where they are.
     *
     * @return the directories deleted
     */
    public static List<Path> purgeLocalStores(Path stateDir, String applicationId) {
        Path appDir = stateDir.resolve(applicationId);
        List<Path> deleted = new ArrayList<>();
        if (!Files.isDirectory(appDir)) {
            return deleted;
        }
        try (Stream<Path> tasks = Files.list(appDir)) {
            for (Path task : tasks.filter(Files::isDirectory).toList()) {
                for (String store : StoreNames.LEGACY_SECRET_BEARING_STORES) {
                    Path dir = task.resolve("rocksdb").resolve(store);
                    if (Files.isDirectory(dir)) {
                        deleteTree(dir);
                        deleted.add(dir);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean legacy store directories under " + appDir, e);
        }
        return deleted;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
