package dev.lastseen.it.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.QueryConfig;
import dev.lastseen.app.config.RestartConfig;
import dev.lastseen.app.http.Json;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.it.ApicurioRegistry;
import dev.lastseen.it.ApicurioRegistryExtension;
import dev.lastseen.it.CommittedOffsetWatch;
import dev.lastseen.it.ItApiKeys;
import dev.lastseen.it.ItKafka;
import dev.lastseen.it.ItPaths;
import dev.lastseen.it.KraftBrokerExtension;
import dev.lastseen.it.LastseenProcess;
import dev.lastseen.it.LastseenProcesses;
import dev.lastseen.it.Loopback;
import dev.lastseen.it.MetricsScrape;
import dev.lastseen.it.UsageOracle;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling restart as a StatefulSet does it - three {@code lastseen run} processes with one standby
 * each, restarted one at a time, highest first, each taken out of service before SIGTERM and put back
 * once {@code /readyz} answers 200 - under steady login load, while independent clients query every
 * account through whichever instances are in service and freshness probes measure event time to
 * queryable from outside: a login for a probe token, then polling the API until its
 * {@code last_seen_at} shows it. No query may fail; the freshness p99 during the roll is reported
 * (target 5 s). Afterwards the committed state equals the input exactly. Prints a {@code ROLL-REPORT}.
 * Budget: about 2 minutes.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class RollingRestartIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = new KraftBrokerExtension();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    private static final int PARTITIONS = 6;
    private static final int ACCOUNTS = 24;
    private static final int TOKENS_PER_ACCOUNT = 50;
    private static final int RATE = 300; // background logins a second
    private static final Duration PROBE_EVERY = Duration.ofMillis(200);
    private static final String APP_ID = "roll-app";
    private static final String API_KEY = "roll-it-api-key-0123456789";
    /** Instances forward queries for partitions they do not own only to peers presenting this. */
    private static final String INSTANCE_CREDENTIAL = "roll-it-instance-credential-0123456789ab";
    /** The target for freshness p99 during a rolling restart. */
    static final Duration FRESHNESS_TARGET = Duration.ofSeconds(5);

    // Opt-in while the known bug it finds is open (issue 18): with the caught-up rule for "not found" (Kafka
    // 4.4.0), one of two runs still had 4 lookups answered 404 for tokens that exist, and a planned restart that
    // restored 12 store partitions from the beginning. It asserts 0 failed queries and no full restore when run:
    // -Dlastseen.it.roll=true (bench/restart.sh sets it).
    @Test
    @EnabledIfSystemProperty(
            named = "lastseen.it.roll",
            matches = "true",
            disabledReason =
                    "known bug: transient 404s during a rolling restart (issue 18); -Dlastseen.it.roll=true runs it")
    void aRollingRestartOfThreeInstancesWithStandbysFailsNoQueryAndKeepsFreshnessWithinSeconds(
            ApicurioRegistry apicurio) throws Exception {
        Path work = ItPaths.workDir("roll");
        String bootstrap = KAFKA.bootstrapServers();
        TopicNames topics = ItKafka.topics("roll-");
        KAFKA.createTopics(topics, PARTITIONS);
        RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());
        List<String> report = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            accounts.add(String.format("acct-%02d", a));
        }
        publishRegistry(bootstrap, registry, topics, accounts);

        List<LastseenProcess> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = Loopback.freePort();
            Map<String, Object> c =
                    ItKafka.appConfig(bootstrap, apicurio.url(), topics, APP_ID, work.resolve("state-" + i));
            c.put(RestartConfig.INSTANCE_ID, "roll-" + i);
            c.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
            c.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
            c.put(RestartConfig.SHUTDOWN_LEAVE_GROUP, System.getProperty("lastseen.it.roll.leave-group", "auto"));
            c.putAll(ItApiKeys.plainHttp(work, API_KEY));
            c.putAll(ItApiKeys.FORWARD_TO_LOOPBACK);
            Experiment.apply(c);
            instances.add(processes.create(
                    "roll-" + i,
                    work,
                    port,
                    c,
                    Map.of(ConfigLoader.envName(QueryConfig.QUERY_FORWARD_CREDENTIAL), INSTANCE_CREDENTIAL)));
        }
        Service service = new Service();
        try (Load load = new Load(bootstrap, registry, topics, accounts);
                CommittedOffsetWatch progress = new CommittedOffsetWatch(bootstrap, APP_ID, topics.loginEvents())) {
            instances.forEach(LastseenProcess::start);
            await("three instances ready")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> instances.stream().allMatch(LastseenProcess::isReady));
            instances.forEach(service::add);
            load.start(RATE);
            Probes probes = new Probes(load, service, accounts);
            Queries queries = new Queries(service, accounts);
            // Steady state first: every probe answered, so the instances and their standbys are warm.
            probes.start();
            queries.start();
            await().atMost(Duration.ofMinutes(2)).until(() -> probes.completed() >= 25);

            List<Double> restoredAfterRestart = new ArrayList<>();
            long rollStart = System.nanoTime();
            int probesBefore = probes.sent();
            for (int i = instances.size() - 1; i >= 0; i--) {
                LastseenProcess p = instances.get(i);
                long out = System.nanoTime();
                service.remove(p); // the Service stops routing to the pod ...
                await().atMost(Duration.ofSeconds(30)).until(() -> service.inFlight(p) == 0);
                p.close(); // ... and it gets SIGTERM; close() waits for the process to exit
                long exited = System.nanoTime();
                int logMark = p.logText().length();
                java.time.LocalTime startedAt =
                        java.time.LocalTime.now(java.time.ZoneId.systemDefault()); // as the log stamps
                p.start();
                await(p.name() + " ready again")
                        .atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(100))
                        .until(p::isReady);
                long ready = System.nanoTime();
                service.add(p);
                double restored = MetricsScrape.sum(p.managementUrl(), "lastseen_state_restored_records_total");
                long fromTheBeginning = p.logText()
                        .substring(logMark)
                        .lines()
                        .filter(l -> l.contains("Restoring store") && l.contains("from the beginning"))
                        .count();
                restoredAfterRestart.add(restored);
                report.add(String.format(
                        "%s: stopped in %.1f s, ready again %.1f s after the stop began; restored %,.0f changelog"
                                + " records (%d store partitions from the beginning); start: %s",
                        p.name(),
                        (exited - out) / 1e9,
                        (ready - out) / 1e9,
                        restored,
                        fromTheBeginning,
                        StartupPhases.describe(p.logText().substring(logMark), startedAt)));
            }
            long rollEnd = System.nanoTime();
            int probesDuring = probes.sent() - probesBefore;
            await().atMost(Duration.ofSeconds(30)).until(() -> probes.completed() >= probes.sent() - 5);
            probes.stop();
            queries.stop();
            load.stopAndFlush();
            assertThat(load.failure()).as("every send acknowledged").isNull();
            await("all input processed")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(progress::caughtUp);

            List<Long> during = probes.latenciesMillis(rollStart, rollEnd);
            Collections.sort(during);
            report.add(String.format(
                    "roll took %.1f s; %d queries through the instances in service, %d failed, %d answered stale",
                    (rollEnd - rollStart) / 1e9, queries.total(), queries.failed(), queries.stale()));
            report.add(String.format(
                    "freshness (a probe login to its last_seen_at in the API, polled every 50 ms): during the roll"
                            + " %d probes p50 %d ms, p99 %d ms, max %d ms; %d probes outstanding at the end",
                    during.size(),
                    percentile(during, 0.50),
                    percentile(during, 0.99),
                    during.isEmpty() ? 0 : during.get(during.size() - 1),
                    probes.sent() - probes.completed()));
            if (queries.firstFailure() != null) {
                report.add("first failed query: " + queries.firstFailure());
            }

            UsageOracle.Expected expected = UsageOracle.expectedFromInput(bootstrap, topics.loginEvents(), registry);
            List<String> differences = UsageOracle.diff(expected, UsageOracle.committedUsage(bootstrap, APP_ID), 20);
            report.add("committed state vs input: " + (differences.isEmpty() ? "equal" : differences));
            // The freshness target is a figure to report (bench/restart.sh, under the shared lock), not a pass mark
            // for a timed test on a shared machine.
            report.add(String.format(
                    "target (freshness p99 during the roll within %d s): %s",
                    FRESHNESS_TARGET.toSeconds(),
                    percentile(during, 0.99) <= FRESHNESS_TARGET.toMillis() ? "met" : "NOT met"));

            assertThat(queries.failed()).as("failed queries during the roll").isZero();
            assertThat(queries.total()).isPositive();
            assertThat(during.size()).as("probes during the roll").isGreaterThanOrEqualTo(probesDuring - 5);
            assertThat(differences).isEmpty();
            // A planned restart resumes from local state (checkpointed on close): the changelog tail, never the
            // whole state (one record per token and more: at least ACCOUNTS * TOKENS_PER_ACCOUNT). Restores from
            // offset 0 are reported, not asserted: a store partition whose changelog was empty at the checkpoint
            // legitimately starts there.
            assertThat(restoredAfterRestart)
                    .as("restored changelog records per restarted instance")
                    .allSatisfy(r -> assertThat(r).isLessThan(ACCOUNTS * TOKENS_PER_ACCOUNT / 2.0));

        } finally {
            System.out.println("ROLL-REPORT (" + System.getProperty("lastseen.it.restart.label", "default") + ")\n  "
                    + String.join("\n  ", report));
        }
    }

    static long percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }

    private static void publishRegistry(
            String bootstrap, RestSchemaRegistryClient registry, TopicNames topics, List<String> accounts)
            throws Exception {
        try (KafkaProducer<String, ServiceToken> p = new KafkaProducer<>(
                ItKafka.producerConfig(bootstrap),
                new StringSerializer(),
                new SpecificAvroSerializer<>(registry, ServiceToken.class, true))) {
            for (String account : accounts) {
                for (int t = 0; t < TOKENS_PER_ACCOUNT; t++) {
                    String token = account + "-tok-" + t;
                    p.send(new ProducerRecord<>(
                            topics.serviceTokens(), token, TestRecords.token(account, token, ItKafka.secret(token))));
                }
                String probe = probeToken(account);
                p.send(new ProducerRecord<>(
                        topics.serviceTokens(), probe, TestRecords.token(account, probe, ItKafka.secret(probe))));
            }
            p.flush();
        }
    }

    static String probeToken(String account) {
        return account + "-probe";
    }

    /**
     * The Kubernetes Service in front of the pods: requests go to a random instance in service; an
     * instance leaves the service before it is stopped and returns once ready.
     */
    static final class Service {
        private final List<LastseenProcess> inService = new CopyOnWriteArrayList<>();
        private final Map<LastseenProcess, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        private final HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        void add(LastseenProcess p) {
            inFlight.putIfAbsent(p, new AtomicInteger());
            inService.add(p);
        }

        void remove(LastseenProcess p) {
            inService.remove(p);
        }

        int inFlight(LastseenProcess p) {
            return inFlight.get(p).get();
        }

        /** GET path through a random instance in service: the status and body, or the client error. */
        HttpResponse<String> get(String path, SplittableRandom random) throws IOException, InterruptedException {
            List<LastseenProcess> now = List.copyOf(inService);
            LastseenProcess p = now.get(random.nextInt(now.size()));
            AtomicInteger counter = inFlight.get(p);
            counter.incrementAndGet();
            try {
                return client.send(
                        HttpRequest.newBuilder(URI.create(p.baseUrl() + path))
                                .header("Authorization", "Bearer " + API_KEY)
                                .timeout(Duration.ofSeconds(15))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } finally {
                counter.decrementAndGet();
            }
        }
    }

    /** Background logins over every token, and the probe logins. */
    static final class Load implements AutoCloseable {
        private final KafkaProducer<String, LoginEvent> producer;
        private final TopicNames topics;
        private final List<String> accounts;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean();
        private Thread thread;

        Load(String bootstrap, RestSchemaRegistryClient registry, TopicNames topics, List<String> accounts) {
            this.producer = new KafkaProducer<>(
                    ItKafka.producerConfig(bootstrap),
                    new StringSerializer(),
                    new SpecificAvroSerializer<>(registry, LoginEvent.class, true));
            this.topics = topics;
            this.accounts = accounts;
        }

        void start(int perSecond) {
            running.set(true);
            thread = new Thread(
                    () -> {
                        SplittableRandom random = new SplittableRandom(11);
                        long start = System.nanoTime();
                        long n = 0;
                        while (running.get()) {
                            long wait = start + n * 1_000_000_000L / perSecond - System.nanoTime();
                            if (wait > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing a load generator
                                continue;
                            }
                            String account = accounts.get(random.nextInt(accounts.size()));
                            String token = account + "-tok-" + random.nextInt(TOKENS_PER_ACCOUNT);
                            AuthOutcome outcome = random.nextInt(10) == 0 ? AuthOutcome.FAILURE : AuthOutcome.SUCCESS;
                            send(TestRecords.login(
                                    "bg-" + n,
                                    account,
                                    token,
                                    Instant.now().minusMillis(random.nextInt(2_000)),
                                    outcome));
                            n++;
                        }
                    },
                    "roll-load");
            thread.start();
        }

        void send(LoginEvent e) {
            producer.send(new ProducerRecord<>(topics.loginEvents(), e.getAccountId(), e), (md, ex) -> {
                if (ex != null) {
                    failure.compareAndSet(null, ex);
                } else {
                    sent.incrementAndGet();
                }
            });
        }

        Exception failure() {
            return failure.get();
        }

        void stopAndFlush() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(30_000);
            }
            producer.flush();
        }

        @Override
        public void close() {
            try {
                stopAndFlush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** A probe login every {@link #PROBE_EVERY}, each followed until the API shows it. */
    static final class Probes {
        private record Result(long sentNanos, long latencyMillis) {}

        private final Load load;
        private final Service service;
        private final List<String> accounts;
        private final ExecutorService pollers = Executors.newFixedThreadPool(6);
        private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, AtomicLong> lastAt = new HashMap<>();
        private Thread thread;

        Probes(Load load, Service service, List<String> accounts) {
            this.load = load;
            this.service = service;
            this.accounts = accounts;
            accounts.forEach(a -> lastAt.put(a, new AtomicLong()));
        }

        void start() {
            thread = new Thread(this::run, "roll-probes");
            thread.start();
        }

        private void run() {
            int n = 0;
            long next = System.nanoTime();
            while (running.get()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait); // the probes' own schedule
                    continue;
                }
                next += PROBE_EVERY.toNanos();
                String account = accounts.get(n++ % accounts.size());
                // Strictly increasing per probe token, so "last_seen_at >= at" means this probe is visible.
                long at =
                        Math.max(System.currentTimeMillis(), lastAt.get(account).get() + 1);
                lastAt.get(account).set(at);
                long sentNanos = System.nanoTime();
                load.send(TestRecords.login(
                        "probe-" + n, account, probeToken(account), Instant.ofEpochMilli(at), AuthOutcome.SUCCESS));
                sent.incrementAndGet();
                pollers.execute(() -> follow(account, at, sentNanos));
            }
        }

        private void follow(String account, long at, long sentNanos) {
            SplittableRandom random = new SplittableRandom(sentNanos);
            long deadline = sentNanos + Duration.ofMinutes(1).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> r =
                            service.get("/v1/accounts/" + account + "/tokens/" + probeToken(account), random);
                    if (r.statusCode() == 200) {
                        JsonNode usage =
                                Json.MAPPER.readTree(r.body()).path("token").path("usage");
                        if (usage.hasNonNull("last_seen_at")
                                && Instant.parse(usage.get("last_seen_at").asText())
                                                .toEpochMilli()
                                        >= at) {
                            results.add(new Result(sentNanos, (System.nanoTime() - sentNanos) / 1_000_000));
                            return;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // counted by the query clients; a probe only measures freshness
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // polling period of the probe
            }
        }

        int sent() {
            return sent.get();
        }

        int completed() {
            return results.size();
        }

        /** Latencies of the probes sent within [from, to] (nanoTime). */
        List<Long> latenciesMillis(long from, long to) {
            List<Long> l = new ArrayList<>();
            for (Result r : results) {
                if (r.sentNanos() >= from && r.sentNanos() <= to) {
                    l.add(r.latencyMillis());
                }
            }
            return l;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            pollers.shutdownNow();
            pollers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Two clients querying random tokens of every account through the Service, every answer checked. */
    static final class Queries {
        private final Service service;
        private final List<String> accounts;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger total = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger stale = new AtomicInteger();
        private final AtomicReference<String> firstFailure = new AtomicReference<>();
        private final ExecutorService clients = Executors.newFixedThreadPool(2);

        Queries(Service service, List<String> accounts) {
            this.service = service;
            this.accounts = accounts;
        }

        void start() {
            for (int c = 0; c < 2; c++) {
                int seed = c;
                clients.execute(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    while (running.get()) {
                        String account = accounts.get(random.nextInt(accounts.size()));
                        String token = account + "-tok-" + random.nextInt(TOKENS_PER_ACCOUNT);
                        query(account, token, random);
                    }
                });
            }
        }

        private void query(String account, String token, SplittableRandom random) {
            total.incrementAndGet();
            String problem;
            try {
                HttpResponse<String> r = service.get("/v1/accounts/" + account + "/tokens/" + token, random);
                JsonNode body = Json.MAPPER.readTree(r.body());
                if (r.statusCode() == 200
                        && token.equals(body.path("token").path("token_id").asText())) {
                    if (body.path("stale").asBoolean()) {
                        stale.incrementAndGet();
                    }
                    return;
                }
                problem = r.statusCode() + " " + r.body();
            } catch (IOException | RuntimeException e) {
                problem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, account + "/" + token + ": " + problem);
        }

        int total() {
            return total.get();
        }

        int failed() {
            return failed.get();
        }

        int stale() {
            return stale.get();
        }

        String firstFailure() {
            return firstFailure.get();
        }

        void stop() throws InterruptedException {
            running.set(false);
            clients.shutdown();
            clients.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
