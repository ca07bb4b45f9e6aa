package dev.lastseen.devtools.demo;

import dev.lastseen.app.LastseenServer;
import dev.lastseen.app.access.KeyDigest;
import dev.lastseen.app.config.ApiAccessConfig;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.HttpServerConfig;
import dev.lastseen.app.config.KafkaStreamsConfig;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.PeerAuthConfig;
import dev.lastseen.app.config.RestartConfig;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.kafka.ContractTopics;
import dev.lastseen.devtools.kafka.EmbeddedKraftBroker;
import dev.lastseen.devtools.kafka.SingleBrokerConfig;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.registry.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything in one process with no setup: an in-process KRaft broker, the in-memory
 * registry, the application, synthetic traffic, and a real PostgreSQL server that
 * {@code lastseen apply} writes last-seen into. Prints a summary read through interactive
 * queries until stopped (Ctrl-C) or until the optional duration has passed.
 */
public final class Demo {
    /** Partitions of the demo's topics: enough to show routing and standby answers, small enough to start fast. */
    static final int PARTITIONS = 3;

    public static final String DEMO_API_KEY = "demo-key-0123456789abcdef";
    /** The applier's dead-letter topic (its default name). */
    static final String APPLY_DLQ = TopicNames.APPLY_DEAD_LETTER;

    /** How long Ctrl-C waits for the application and the broker to close before the JVM exits anyway. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    /** @param managementPort port of health, readiness and metrics (0: a free one) */
    public record Options(
            int loginsPerSecond, Duration summaryEvery, Duration duration, int httpPort, int managementPort) {}

    private final Options options;
    private final PrintStream out;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public int run() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("lastseen-demo-");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    // The JVM halts as soon as the shutdown hooks return: wait for the clean stop below.
                    try {
                        stopped.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "lastseen-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.println("lastseen demo: starting an in-process Kafka broker (KRaft) in " + dir);
        try {
            runIn(dir, stop);
            deleteRecursively(dir); // the demo's broker data and state are throwaway
            out.println("lastseen demo: stopped cleanly");
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting through Ctrl-C: the hook is waiting for this
            }
            stopped.countDown();
        }
    }

    private void runIn(Path dir, CountDownLatch stop) throws InterruptedException {
        try (EmbeddedKraftBroker broker = EmbeddedKraftBroker.start(dir.resolve("kafka"), 0)) {
            InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
            LastseenConfig config = ConfigLoader.fromMap(demoConfig(broker.bootstrapServers(), dir));
            ContractTopics.create(broker, config.topics(), PARTITIONS);
            SyntheticTraffic traffic = new SyntheticTraffic(SyntheticTraffic.Settings.demo());

            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "lastseen-demo");
                t.setDaemon(true);
                return t;
            });
            broker.createTopic(APPLY_DLQ, 1, Map.of());
            out.println("lastseen demo: starting PostgreSQL and `lastseen apply` (patches into token_last_seen)");
            try (TrafficProducer producer = new TrafficProducer(broker.bootstrapServers(), registry, config.topics());
                    LastseenServer server = LastseenServer.start(config, registry, PARTITIONS);
                    DemoDatabase database = DemoDatabase.start(
                            dir.resolve("postgres"),
                            broker.bootstrapServers(),
                            registry,
                            server.meters(),
                            traffic.tokens())) {
                producer.publishRegistry(traffic);
                printWhereToLook(broker, config, traffic, server.httpPort(), server.managementPort());
                out.println("  database:          " + database.describe());
                scheduler.execute(() -> {
                    try {
                        producer.run(traffic, options.loginsPerSecond());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        out.println("traffic stopped: " + e.getMessage());
                    }
                });
                DemoSummary summary = new DemoSummary(
                        server.app().streams(),
                        server.meters(),
                        traffic.tokens().subList(0, 5),
                        out);
                long every = options.summaryEvery().toMillis();
                scheduler.scheduleAtFixedRate(
                        () -> {
                            summary.print(producer.produced());
                            out.println(database.summary());
                        },
                        every,
                        every,
                        TimeUnit.MILLISECONDS);
                if (options.duration() == null) {
                    stop.await();
                } else {
                    stop.await(options.duration().toMillis(), TimeUnit.MILLISECONDS);
                }
                out.println("\nlastseen demo: stopping");
                scheduler.shutdownNow();
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Map<String, Object> demoConfig(String bootstrap, Path dir) {
        Map<String, Object> c = SingleBrokerConfig.base(bootstrap, "lastseen-demo", dir.resolve("state"), "mem:");
        c.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:" + options.httpPort());
        c.put(HttpServerConfig.HTTP_PORT, options.httpPort());
        c.put(HttpServerConfig.HTTP_MANAGEMENT_PORT, options.managementPort());
        c.put(ApiAccessConfig.KEY_FILE, demoKeyFile(dir).toString());
        // The demo's API is plain HTTP on this machine: credentials over it need the development flag, said aloud.
        c.put(PeerAuthConfig.DEV_PLAIN_HTTP, true);
        c.put(KafkaStreamsConfig.ROCKSDB_MEMORY_BYTES, 64L * 1024 * 1024);
        // One process on a laptop, nobody routing to it: Ctrl-C need not wait for load balancers.
        c.put(RestartConfig.SHUTDOWN_DRAIN_MS, 0L);
        return c;
    }

    /** The demo's key file: {@link #DEMO_API_KEY}'s digest, for every account. */
    private static Path demoKeyFile(Path dir) {
        try {
            return Files.writeString(dir.resolve("api-keys"), KeyDigest.written(DEMO_API_KEY) + " *\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the demo's API key file in " + dir, e);
        }
    }

    private void printWhereToLook(
            EmbeddedKraftBroker broker,
            LastseenConfig config,
            SyntheticTraffic traffic,
            int httpPort,
            int managementPort) {
        SyntheticTraffic.Token t = traffic.tokens().get(0);
        out.println("lastseen demo: running");
        out.println("  DEVELOPMENT MODE:  " + PeerAuthConfig.DEV_PLAIN_HTTP
                + "=true, the API key below crosses plain HTTP (never deploy like this)");
        out.println("  Kafka bootstrap:   " + broker.bootstrapServers());
        out.println("  topics:            " + config.topics());
        out.println("  traffic:           " + traffic.tokens().size() + " tokens over "
                + SyntheticTraffic.Settings.demo().accounts() + " accounts, ~" + options.loginsPerSecond()
                + " logins/s (Zipf popularity, 5% failures, up to 5 s out of order)");
        out.println("  a busy token:      " + t.accountId() + "/" + t.tokenId());
        out.println("  health/metrics:    curl -s localhost:" + managementPort + "/readyz ; curl -s localhost:"
                + managementPort + "/metrics | grep ^lastseen_");
        String curl = "curl -s -H 'Authorization: Bearer " + DEMO_API_KEY + "' 'localhost:" + httpPort + "/v1/accounts/"
                + t.accountId() + "/tokens";
        String anHourAgo = java.time.Instant.now()
                .minusSeconds(3600)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        out.println("  REST API:          (OpenAPI: curl -s localhost:" + httpPort + "/openapi.yaml)");
        out.println("    " + curl + "/" + t.tokenId() + "'");
        out.println("    " + curl + "?limit=5'");
        out.println("    " + curl + "?unused_since=" + anHourAgo + "&limit=5'");
        out.println("  summary every " + options.summaryEvery().toSeconds() + " s below; Ctrl-C stops cleanly");
    }
}
