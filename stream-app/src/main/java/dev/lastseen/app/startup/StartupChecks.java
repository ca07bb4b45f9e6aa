package dev.lastseen.app.startup;

import dev.lastseen.app.config.ClientConfigs;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.topology.LastseenTopology;
import dev.lastseen.app.topology.TopologySettings;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.state.TokenStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code lastseen run} verifies before it processes anything: the topics (exist,
 * co-partitioned) and the schemas (readable, compatible, registered). All problems are collected
 * and reported together in one line, so one restart fixes them all. The registry is waited for
 * while it is unreachable ({@link RegistryWait}); Kafka is given {@link #KAFKA_TIMEOUT}.
 */
public final class StartupChecks {
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

    private StartupChecks() {}

    /**
     * Runs every check.
     *
     * @param registryWait how long to wait for an unreachable registry; null waits forever
     * @return the account partition count (partitions of the login topic)
     * @throws StartupCheckException naming every problem and its fix
     */
    public static int run(LastseenConfig config, SchemaRegistryClient registry, Duration registryWait) {
        Object bootstrap = config.streams().get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        // The schema checks (registry) run alongside the topic checks (Kafka): they are independent, and a
        // restart should not pay for both one after the other.
        CompletableFuture<List<String>> schemas = CompletableFuture.supplyAsync(
                () -> new RegistryWait(String.valueOf(config.registry().baseUrl()), registryWait)
                        .run(
                                "checking lastseen's schemas",
                                () -> SchemaChecks.check(
                                        registry,
                                        SchemaChecks.of(
                                                config.topics(),
                                                String.valueOf(
                                                        config.streams().get(StreamsConfig.APPLICATION_ID_CONFIG))),
                                        config.autoRegisterSchemas())),
                runnable -> Thread.ofPlatform()
                        .name("lastseen-schema-checks")
                        .daemon()
                        .start(runnable));
        TopicChecks.Outcome topics;
        try (Admin admin = Admin.create(ClientConfigs.admin(config, KAFKA_TIMEOUT))) {
            topics = checkTopics(config, admin, registry, String.valueOf(bootstrap));
        }
        List<String> problems = new ArrayList<>(topics.problems());
        problems.addAll(schemaProblems(schemas));
        if (!problems.isEmpty()) {
            throw new StartupCheckException(describe(problems));
        }
        log.info(
                "Start-up checks passed: topics exist, account partitions = {}, schemas compatible",
                topics.accountPartitions());
        return topics.accountPartitions();
    }

    private static List<String> schemaProblems(CompletableFuture<List<String>> schemas) {
        try {
            return schemas.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // a StartupCheckException (registry gone for good) or a bug: as if it ran here
            }
            throw e;
        }
    }

    static String describe(List<String> problems) {
        if (problems.size() == 1) {
            return "start-up check failed: " + problems.get(0);
        }
        StringBuilder b = new StringBuilder("start-up checks failed (" + problems.size() + " problems): ");
        for (int i = 0; i < problems.size(); i++) {
            b.append(i == 0 ? "" : "; ").append(i + 1).append(") ").append(problems.get(i));
        }
        return b.toString();
    }

    private static TopicChecks.Outcome checkTopics(
            LastseenConfig config, Admin admin, SchemaRegistryClient registry, String bootstrap) {
        String applicationId = String.valueOf(config.streams().get(StreamsConfig.APPLICATION_ID_CONFIG));
        Set<String> internal = accountKeyedRepartitionTopics(applicationId, topologyOf(config, registry));
        Set<String> asked = new TreeSet<>(internal);
        asked.add(config.topics().loginEvents());
        asked.add(config.topics().serviceTokens());
        asked.add(config.topics().tokenLastSeen());
        asked.add(config.topics().authFailureAlerts());
        asked.add(config.topics().deadLetter());
        Map<String, Integer> existing = partitionCounts(admin, asked, bootstrap);
        return TopicChecks.check(config.topics(), existing, internal);
    }

    /** The topology as it will run (serdes are built but not used; nothing is contacted). */
    private static Topology topologyOf(LastseenConfig config, SchemaRegistryClient registry) {
        return LastseenTopology.build(
                TopologySettings.from(config, 1, Clock.systemUTC()),
                registry,
                TokenStores.persistent(),
                new LastseenMetrics(new SimpleMeterRegistry()));
    }

    /**
     * The account-keyed repartition topics of the topology (re-keying logins and registry changes
     * to their account), with the application id prefix Kafka Streams gives them. Taken from the
     * topology's description, so a renamed topic cannot escape the check.
     */
    static Set<String> accountKeyedRepartitionTopics(String applicationId, Topology topology) {
        Set<String> accountKeyed = LastseenTopology.accountKeyedRepartitions();
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    source.topicSet().stream()
                            .filter(t -> t.endsWith("-repartition"))
                            .map(t -> t.startsWith(applicationId + "-") ? t : applicationId + "-" + t)
                            .filter(t -> accountKeyed.contains(
                                    t.substring(applicationId.length() + 1, t.length() - "-repartition".length())))
                            .forEach(names::add);
                }
            }
        }
        return names;
    }

    /** Partition counts of those topics that exist. */
    private static Map<String, Integer> partitionCounts(Admin admin, Set<String> topics, String bootstrap) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, KafkaFuture<TopicDescription>> futures =
                admin.describeTopics(topics).topicNameValues();
        long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> f : futures.entrySet()) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                counts.put(
                        f.getKey(),
                        f.getValue()
                                .get(left, TimeUnit.NANOSECONDS)
                                .partitions()
                                .size());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw kafkaSilent(bootstrap);
                }
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new StartupCheckException("cannot describe topic '" + f.getKey() + "' on " + bootstrap + ": "
                            + e.getCause().getMessage()
                            + " (check bootstrap.servers and the client's ACLs/credentials)");
                }
            } catch (TimeoutException e) {
                throw kafkaSilent(bootstrap);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupCheckException("interrupted while checking topics on " + bootstrap);
            }
        }
        return counts;
    }

    private static StartupCheckException kafkaSilent(String bootstrap) {
        return new StartupCheckException("Kafka at " + bootstrap + " did not answer within " + KAFKA_TIMEOUT.toSeconds()
                + " s; start it or fix bootstrap.servers");
    }
}
