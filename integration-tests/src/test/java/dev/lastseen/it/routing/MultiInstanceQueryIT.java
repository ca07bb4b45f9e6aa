package dev.lastseen.it.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.HttpServerConfig;
import dev.lastseen.app.config.QueryConfig;
import dev.lastseen.app.http.Json;
import dev.lastseen.app.http.QueryTestKit;
import dev.lastseen.app.http.SecretScan;
import dev.lastseen.app.http.TestHttp;
import dev.lastseen.app.query.QueryHeaders;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.it.ItApiKeys;
import dev.lastseen.it.ItKafka;
import dev.lastseen.it.ItPaths;
import dev.lastseen.it.KraftBrokerExtension;
import dev.lastseen.it.LastseenProcess;
import dev.lastseen.it.LastseenProcesses;
import dev.lastseen.it.Loopback;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.registry.TestRegistryServer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three lastseen instances, each its own JVM ({@code java -jar lastseen.jar run}), on a real
 * KRaft broker: every instance answers every account; one instance is killed with SIGKILL while
 * queries keep flowing through the survivors, and the window in which queries failed is
 * measured — once with one standby replica, once without. With the standby, the killed
 * instance is restarted and all instances must converge on new data.
 *
 * <p>Failure detection is the consumer group's session timeout, set here to the broker's
 * minimum (6 s); with Kafka's default (45 s) an unreplicated partition stays unavailable that
 * much longer. Budget: about 3 minutes on 2 cores.
 */
class MultiInstanceQueryIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    private static final int PARTITIONS = 6;
    private static final int ACCOUNTS = 24;
    private static final int TOKENS = 8;
    private static final String API_KEY = "it-api-key-0123456789abcdef";
    /** The deployment's instance credential: forwarded queries carry it; it must never reach a log line. */
    private static final String INSTANCE_CREDENTIAL = "it-instance-credential-0123456789abcdef";

    private static final Duration MAX_OBSERVATION = Duration.ofSeconds(60);
    /**
     * Longer than the session timeout (6 s, ItKafka.appConfig) with a margin: until the group notices the
     * loss, queries for the lost partitions are answered stale or fail, so "fresh and correct for 5 s"
     * cannot hold before the failover has happened; the floor guards against a lull in the queries.
     */
    private static final Duration MIN_OBSERVATION = Duration.ofSeconds(10);

    /** Kept after the run (the instances' logs and configuration) for whoever reads a failure. */
    private final Path dir = ItPaths.workDir("multi-instance");

    private final TestHttp http = new TestHttp(Duration.ofSeconds(15));
    private final Model model = new Model();

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everyInstanceAnswersEveryAccountThroughTheLossOfAnInstanceWithAndWithoutAStandby() throws Exception {
        SecretScan.registerSecret(API_KEY);
        SecretScan.registerSecret(INSTANCE_CREDENTIAL);
        InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
        TopicNames topics = ItKafka.topics("mi-");
        List<LastseenProcess> all = new ArrayList<>();
        try (TestRegistryServer registry = new TestRegistryServer(schemas);
                Producers producers = new Producers(KAFKA.bootstrapServers(), schemas, topics)) {
            KAFKA.createTopics(topics, PARTITIONS);
            producers.registry(model);
            producers.logins(model.firstRound());

            // ---- with one standby replica
            List<LastseenProcess> standby = startInstances("standby", 1, registry, topics, all);
            awaitAllCorrect(standby, Duration.ofSeconds(150));
            LastseenProcess victim = standby.get(0);
            FailoverReport withStandby = killAndQuery(victim, standby.subList(1, 3));

            // The killed instance comes back on the same state dir and port (its state, left by a crash under
            // exactly-once, is rebuilt from the changelog); the second round of logins must then show on every
            // instance, the restarted one included.
            victim.start();
            awaitReady(List.of(victim), Duration.ofSeconds(90));
            producers.logins(model.secondRound());
            long roundSent = System.nanoTime();
            awaitAllCorrect(standby, Duration.ofSeconds(60));
            Duration convergence = Duration.ofNanos(System.nanoTime() - roundSent);
            for (String account : model.accounts()) {
                Probe fromRestarted = probe(victim, account, false);
                assertThat(fromRestarted.ok())
                        .as(
                                "the restarted instance answers %s with the second round: %s",
                                account, fromRestarted.problem())
                        .isTrue();
            }
            LastseenProcess.closeAll(standby);

            // ---- without a standby
            List<LastseenProcess> bare = startInstances("bare", 0, registry, topics, all);
            awaitAllCorrect(bare, Duration.ofSeconds(150));
            FailoverReport withoutStandby = killAndQuery(bare.get(0), bare.subList(1, 3));
            LastseenProcess.closeAll(bare);

            System.out.println("FAILOVER with num.standby.replicas=1: " + withStandby);
            System.out.println("FAILOVER with num.standby.replicas=0: " + withoutStandby);
            System.out.printf(
                    "restart: every instance, the restarted one included, answered the second round %d ms after it"
                            + " was sent; %d response bodies scanned for %d secrets%n",
                    convergence.toMillis(), SecretScan.bodiesChecked(), SecretScan.secretsRegistered());
            // The goal: with a standby, no query fails while an instance is lost.
            assertThat(withStandby.failed())
                    .as("failed queries with a standby: %s", withStandby)
                    .isZero();
            assertThat(withStandby.stale())
                    .as("the survivors answered from the standby meanwhile")
                    .isPositive();
            // Without one, the partition is unavailable until the group notices (session timeout) and restores it
            // elsewhere.
            // Queries for them wait (up to the 5 s query deadline) or fail; measured, and bounded generously here.
            assertThat(withoutStandby.degradedUntilMillis())
                    .as("%s", withoutStandby)
                    .isBetween(1_000L, 30_000L);
            for (LastseenProcess p : all) {
                assertThat(SecretScan.find(p.logText()))
                        .as("a secret in the log of %s", p.name())
                        .isNull();
            }
        }
    }

    // ------------------------------------------------------------------ instances

    private List<LastseenProcess> startInstances(
            String group, int standbys, TestRegistryServer registry, TopicNames topics, List<LastseenProcess> all) {
        List<LastseenProcess> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = Loopback.freePort();
            Map<String, Object> c = ItKafka.appConfig(
                    KAFKA.bootstrapServers(),
                    registry.baseUrl(),
                    topics,
                    "mi-" + group,
                    dir.resolve(group + "-state-" + i));
            c.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
            c.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, String.valueOf(standbys));
            // This test's changelogs hold tens of records per partition, so a copy restoring from scratch is only
            // tens of records behind: the bound on stale answers is scaled down to match (a hot standby here lags 0).
            c.put(QueryConfig.QUERY_MAX_STALE_LAG, "10");
            c.putAll(ItApiKeys.plainHttp(dir, API_KEY));
            c.putAll(ItApiKeys.FORWARD_TO_LOOPBACK);
            // This test tells instances apart by the served-by header.
            c.put(HttpServerConfig.SERVED_BY_ENABLED, "true");
            LastseenProcess p = processes.create(
                    group + "-" + i,
                    dir.resolve("apps"),
                    port,
                    c,
                    Map.of(ConfigLoader.envName(QueryConfig.QUERY_FORWARD_CREDENTIAL), INSTANCE_CREDENTIAL));
            all.add(p);
            started.add(p);
            p.start();
        }
        awaitReady(started, Duration.ofMinutes(2));
        return started;
    }

    private void awaitReady(List<LastseenProcess> instances, Duration max) {
        await("instances ready")
                .atMost(max)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    for (LastseenProcess p : instances) {
                        assertThat(p.isAlive())
                                .as("%s is running; its log ends:%n%s", p.name(), p.logTail(40))
                                .isTrue();
                        assertThat(http.get(p.managementUrl() + "/readyz", (String) null)
                                        .statusCode())
                                .as(p.name())
                                .isEqualTo(200);
                    }
                });
    }

    private void awaitAllCorrect(List<LastseenProcess> instances, Duration max) {
        await("every instance answers every account")
                .atMost(max)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    for (LastseenProcess p : instances) {
                        assertThat(p.isAlive())
                                .as("%s is running; its log ends:%n%s", p.name(), p.logTail(40))
                                .isTrue();
                        for (String account : model.accounts()) {
                            for (boolean listing : new boolean[] {true, false}) {
                                Probe probe = probe(p, account, listing);
                                assertThat(probe.ok())
                                        .as("%s %s: %s", p.name(), account, probe.problem())
                                        .isTrue();
                            }
                        }
                    }
                });
    }

    // ------------------------------------------------------------------ failover

    record FailoverReport(
            int queries,
            int failed,
            int stale,
            long windowMillis,
            long firstFailureMillis,
            long lastFailureMillis,
            long degradedUntilMillis,
            long maxLatencyMillis,
            String sampleFailure) {
        @Override
        public String toString() {
            return String.format(
                    "%d queries, %d failed, %d answered stale (standby or restoring copy); failed-query window %d ms"
                            + " (failed queries from +%d ms to +%d ms after the kill); queries failed or waited > 1 s until +%d ms;"
                            + " slowest answer %d ms%s",
                    queries,
                    failed,
                    stale,
                    windowMillis,
                    firstFailureMillis,
                    lastFailureMillis,
                    degradedUntilMillis,
                    maxLatencyMillis,
                    sampleFailure == null ? "" : "; e.g. " + sampleFailure);
        }
    }

    private record Observation(
            long startNanos, long atNanos, boolean ok, boolean stale, long latencyMillis, String problem) {}

    /**
     * Kills {@code victim} and queries every account through the survivors from two threads until
     * the survivors have answered fresh and correct for 5 s, at the earliest {@link #MIN_OBSERVATION} after
     * the kill (by then the group has noticed the loss), or 60 s have passed.
     */
    private FailoverReport killAndQuery(LastseenProcess victim, List<LastseenProcess> survivors) throws Exception {
        ConcurrentLinkedQueue<Observation> seen = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        long killedAt = System.nanoTime();
        victim.kill();
        for (int c = 0; c < 2; c++) {
            int seed = c;
            clients.execute(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                while (running.get()) {
                    LastseenProcess p = survivors.get(random.nextInt(survivors.size()));
                    String account = model.accounts().get(random.nextInt(ACCOUNTS));
                    long start = System.nanoTime();
                    Probe probe = probe(p, account, random.nextBoolean());
                    long end = System.nanoTime();
                    seen.add(new Observation(
                            start, end, probe.ok(), probe.stale(), (end - start) / 1_000_000, probe.problem()));
                }
            });
        }
        await("failover settled")
                .atMost(MAX_OBSERVATION.plusSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    long now = System.nanoTime();
                    if (now - killedAt > MAX_OBSERVATION.toNanos()) {
                        return true;
                    }
                    if (now - killedAt < MIN_OBSERVATION.toNanos()) {
                        return false;
                    }
                    long recent = now - Duration.ofSeconds(5).toNanos();
                    return seen.stream().filter(o -> o.atNanos() > recent).allMatch(o -> o.ok() && !o.stale())
                            && seen.stream().anyMatch(o -> o.atNanos() > recent);
                });
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        List<Observation> all = new ArrayList<>(seen);
        List<Observation> failed = all.stream().filter(o -> !o.ok()).toList();
        // The window runs from the start of the first query that failed to the answer of the last one.
        long first = failed.stream().mapToLong(Observation::startNanos).min().orElse(killedAt);
        long last = failed.stream().mapToLong(Observation::atNanos).max().orElse(killedAt);
        long degradedUntil = all.stream()
                .filter(o -> !o.ok() || o.latencyMillis() > 1000)
                .mapToLong(Observation::atNanos)
                .max()
                .orElse(killedAt);
        return new FailoverReport(
                all.size(),
                failed.size(),
                (int) all.stream().filter(Observation::stale).count(),
                failed.isEmpty() ? 0 : (last - first) / 1_000_000,
                failed.isEmpty() ? 0 : (first - killedAt) / 1_000_000,
                failed.isEmpty() ? 0 : (last - killedAt) / 1_000_000,
                (degradedUntil - killedAt) / 1_000_000,
                all.stream().mapToLong(Observation::latencyMillis).max().orElse(0),
                failed.isEmpty() ? null : failed.get(0).problem());
    }

    // ------------------------------------------------------------------ queries and the expected answers

    private record Probe(boolean ok, boolean stale, String problem) {}

    /** One query through an instance, checked against the model: the account's listing, or its first token. */
    private Probe probe(LastseenProcess p, String account, boolean listing) {
        String url = p.baseUrl() + "/v1/accounts/" + account + "/tokens"
                + (listing ? "?limit=1000" : "/" + model.tokens(account).get(0));
        try {
            HttpResponse<String> r = http.get(url, API_KEY);
            if (r.statusCode() != 200) {
                return new Probe(false, false, r.statusCode() + " " + r.body());
            }
            if (r.headers().firstValue(QueryHeaders.SERVED_BY).isEmpty()) {
                return new Probe(false, false, "no served-by header");
            }
            JsonNode body = Json.MAPPER.readTree(r.body());
            boolean stale = body.get("stale").asBoolean();
            String wrong = listing ? model.checkListing(account, body) : model.checkToken(account, body.get("token"));
            return new Probe(
                    wrong == null, stale, wrong == null ? null : wrong + " (served by " + body.get("served_by") + ")");
        } catch (IOException | RuntimeException e) {
            return new Probe(false, false, e.toString());
        }
    }

    /** The accounts, tokens and logins the test produced, and what the API must therefore say. */
    private static final class Model {
        final Map<String, List<String>> tokens = new TreeMap<>();
        final Map<String, Long> lastSeen = new TreeMap<>();
        final Map<String, Long> successes = new TreeMap<>();
        final Instant base = Instant.now().minusSeconds(3600);

        Model() {
            for (int a = 0; a < ACCOUNTS; a++) {
                String account = String.format("acct-%02d", a);
                List<String> ids = new ArrayList<>();
                for (int t = 0; t < TOKENS; t++) {
                    ids.add(account + "-tok-" + t);
                }
                tokens.put(account, ids);
            }
        }

        List<String> accounts() {
            return List.copyOf(tokens.keySet());
        }

        List<String> tokens(String account) {
            return tokens.get(account);
        }

        /** Successes for tokens 0..5 of every account (6 and 7 are never used), failures for the even ones. */
        List<LoginEvent> firstRound() {
            SplittableRandom random = new SplittableRandom(7);
            List<LoginEvent> events = new ArrayList<>();
            tokens.forEach((account, ids) -> {
                for (int t = 0; t < 6; t++) {
                    for (int n = 0; n <= t % 3; n++) {
                        events.add(success(account, ids.get(t), base.plusSeconds(random.nextInt(3000))));
                    }
                    if (t % 2 == 0) {
                        events.add(TestRecords.failure(account, ids.get(t), base.plusSeconds(3500)));
                    }
                }
            });
            return events;
        }

        /** A newer success of every account's first token. */
        List<LoginEvent> secondRound() {
            Instant now = Instant.now().minusSeconds(1);
            List<LoginEvent> events = new ArrayList<>();
            tokens.forEach((account, ids) -> events.add(success(account, ids.get(0), now)));
            return events;
        }

        private LoginEvent success(String account, String token, Instant at) {
            lastSeen.merge(account + "/" + token, at.toEpochMilli(), Math::max);
            successes.merge(account + "/" + token, 1L, Long::sum);
            return TestRecords.success(account, token, at);
        }

        String checkListing(String account, JsonNode body) {
            List<String> ids = new ArrayList<>();
            body.get("tokens").forEach(t -> ids.add(t.get("token_id").asText()));
            if (!ids.equals(tokens(account))) {
                return "listing of " + account + " was " + ids;
            }
            for (JsonNode t : body.get("tokens")) {
                if (t.get("metadata").isNull()) {
                    return "no metadata for " + t.get("token_id");
                }
            }
            return body.get("next_page_token").isNull() ? null : "unexpected next page";
        }

        String checkToken(String account, JsonNode token) {
            String key = account + "/" + tokens(account).get(0);
            if (token.get("usage").isNull() || token.get("metadata").isNull()) {
                return key + " lacks usage or metadata";
            }
            String at = token.get("usage").get("last_seen_at").asText();
            long count = token.get("usage").get("success_count").asLong();
            return Instant.parse(at).toEpochMilli() == lastSeen.get(key) && count == successes.get(key)
                    ? null
                    : key + " last seen " + at + " x" + count + ", expected " + Instant.ofEpochMilli(lastSeen.get(key))
                            + " x" + successes.get(key);
        }
    }

    /** The token service's registry records and the login service's events, with the project's serdes. */
    private static final class Producers implements AutoCloseable {
        private final KafkaProducer<String, ServiceToken> tokens;
        private final KafkaProducer<String, LoginEvent> logins;
        private final TopicNames topics;

        Producers(String bootstrap, InMemorySchemaRegistry schemas, TopicNames topics) {
            Map<String, Object> props =
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
            this.tokens = new KafkaProducer<>(
                    props, new StringSerializer(), new SpecificAvroSerializer<>(schemas, ServiceToken.class, true));
            this.logins = new KafkaProducer<>(
                    props, new StringSerializer(), new SpecificAvroSerializer<>(schemas, LoginEvent.class, true));
            this.topics = topics;
        }

        void registry(Model model) {
            model.tokens.forEach((account, ids) -> ids.forEach(id -> tokens.send(new ProducerRecord<>(
                    topics.serviceTokens(), id, TestRecords.token(account, id, QueryTestKit.secretFor(account, id))))));
            tokens.flush();
        }

        void logins(List<LoginEvent> events) {
            events.forEach(e -> logins.send(new ProducerRecord<>(topics.loginEvents(), e.getAccountId(), e)));
            logins.flush();
        }

        @Override
        public void close() {
            tokens.close();
            logins.close();
        }
    }
}
