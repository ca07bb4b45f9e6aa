package dev.lastseen.it.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.ApplyServer;
import dev.lastseen.app.LastseenServer;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.InputConfig;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.SpikeConfig;
import dev.lastseen.app.errors.FailureKind;
import dev.lastseen.app.observability.Dashboards;
import dev.lastseen.app.thresholds.InForce;
import dev.lastseen.applier.ApplierConfig;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.BatchConfig;
import dev.lastseen.applier.Target;
import dev.lastseen.applier.testing.ApplierDatabase;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.it.ItKafka;
import dev.lastseen.it.KraftBrokerExtension;
import dev.lastseen.it.PostgresPerClassExtension;
import dev.lastseen.it.Preconditions;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The observability surface proven end to end: the real application under synthetic traffic
 * (with failures, a failure burst, bad records, a placeholder secret and a rejected thresholds file),
 * and {@code lastseen apply} writing its patches into a real PostgreSQL, scraped every second by a
 * real Prometheus that loads {@code ops/prometheus/rules}. Every query
 * of every panel in {@code ops/grafana/*.json} must return data through Prometheus' HTTP API,
 * every rule must evaluate healthily, and the alerts the traffic provokes must fire.
 * Budget: about 90 s on two cores (broker and app start ~20 s, metrics and rules ~40 s).
 */
class ObservabilityIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    @RegisterExtension
    static final PostgresPerClassExtension POSTGRES = new PostgresPerClassExtension();

    private static final int PARTITIONS = 3;
    private static final String APPLY_DLQ = "obs-lastseen-apply-dlq";
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    /** Alerts each named by the issue: every one must be loaded and evaluate without error. */
    private static final List<String> REQUIRED_ALERTS = List.of(
            "LastseenAuthFailureSpike",
            "LastseenSecretRejected",
            "LastseenDlqRateHigh",
            "LastseenConsumerLagHigh",
            "LastseenFreshnessSloBreach",
            "LastseenStreamThreadDead",
            "LastseenConfigRejected",
            "LastseenApplyLagHigh",
            "LastseenApplyFailing",
            "LastseenApplyDown");

    @TempDir
    Path dir;

    @Test
    void everyDashboardQueryReturnsLiveDataAndTheRulesLoadAndFire() throws Exception {
        Path binary = PrometheusServer.binary();
        Preconditions.require(
                binary != null,
                "prometheus is not on the PATH",
                "run ops/install-prometheus.sh (Debian's prometheus package)");
        List<Dashboards.PanelQuery> queries = new ArrayList<>();
        for (Path file : Dashboards.files()) {
            queries.addAll(Dashboards.queries(file));
        }
        assertThat(queries).as("panel queries in ops/grafana").isNotEmpty();

        Path thresholds = dir.resolve("thresholds.json");
        Files.writeString(
                thresholds,
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{\"acct-004\":{\"minimum\":500,\"factor\":3.0}}}");
        SyntheticTraffic traffic =
                new SyntheticTraffic(new SyntheticTraffic.Settings(5, 100, 1.1, 0.05, 0.05, Duration.ofSeconds(1), 7));
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

        LastseenConfig config = ConfigLoader.fromMap(appConfig(KAFKA.bootstrapServers(), thresholds));
        KAFKA.createTopics(config.topics(), PARTITIONS);
        KAFKA.broker().createTopic(APPLY_DLQ, 1, Map.of());
        try (Producers producers = new Producers(KAFKA.bootstrapServers(), registry, config.topics());
                LastseenServer server = LastseenServer.start(config, registry, PARTITIONS);
                // `lastseen apply` in this process, writing the app's patches into a real PostgreSQL.
                ApplyServer applier = ApplyServer.start(
                        applyConfig(KAFKA.bootstrapServers(), config.topics().tokenLastSeen()),
                        registry,
                        Duration.ofSeconds(30));
                PrometheusServer prometheus = PrometheusServer.start(
                        binary,
                        Files.createDirectories(dir.resolve("prometheus")),
                        Map.of(
                                "lastseen", "127.0.0.1:" + server.managementPort(), // where the scrape config points
                                "lastseen-apply", "127.0.0.1:" + applier.httpPort()),
                        ruleFiles())) {
            producers.registry(traffic);
            Thread load = producers.steadyTraffic(traffic, 150);
            try {
                await("prometheus scrapes the app")
                        .atMost(DEADLINE)
                        .pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions()
                        .until(() ->
                                prometheus.query("up{job=\"lastseen\"} == 1").size() == 1);
                // Incidents, after the first scrape so counters are seen to increase.
                producers.failureBurst("acct-000", traffic.tokens().get(0).tokenId(), 120);
                producers.garbageLogin();
                producers.placeholderSecret("acct-001", "tok-placeholder-secret");
                Files.writeString(thresholds, "{\"version\":1,\"default\":{\"minimum\":20"); // half-written

                for (Dashboards.PanelQuery q : queries) {
                    await(q.dashboard() + " / " + q.panel() + " / " + q.refId() + ": " + q.promql())
                            .atMost(DEADLINE)
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> !prometheus.query(q.promql()).isEmpty());
                }
                // The live data behind them, not only series at zero.
                for (String nonZero : List.of(
                        "sum(lastseen_events_total) > 0",
                        "sum(lastseen_apply_rows_total{outcome=\"applied\"}) > 0",
                        "sum(lastseen_auth_failure_spikes_total) > 0",
                        "sum(lastseen_dlq_records_total) > 0",
                        "lastseen_secret_rejected_total{reason=\"secret_placeholder\"} > 0",
                        "lastseen_config_rejected_total > 0",
                        "lastseen_freshness_seconds_count > 0",
                        "sum(kafka_stream_state_block_cache_usage) > 0")) {
                    await(nonZero)
                            .atMost(DEADLINE)
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> !prometheus.query(nonZero).isEmpty());
                }

                await("every rule loaded and evaluated healthily")
                        .atMost(DEADLINE)
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertRulesHealthy(prometheus.ruleGroups()));
                for (String alert :
                        List.of("LastseenAuthFailureSpike", "LastseenSecretRejected", "LastseenConfigRejected")) {
                    await(alert + " fires")
                            .atMost(DEADLINE)
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> !prometheus
                                    .query("ALERTS{alertname=\"" + alert + "\",alertstate=\"firing\"}")
                                    .isEmpty());
                }

                assertLabelsAreBounded(keepScrape(server.managementPort()), traffic);
            } catch (AssertionError | RuntimeException e) {
                keepScrape(server.managementPort());
                System.err.println("prometheus log tail:\n" + prometheus.logTail());
                throw e;
            } finally {
                producers.stop();
                load.join(5_000);
            }
        }
    }

    private static List<Path> ruleFiles() throws IOException {
        try (var s = Files.list(Dashboards.opsDir().resolve("prometheus/rules"))) {
            return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static void assertRulesHealthy(JsonNode groups) {
        Set<String> alerts = new HashSet<>();
        int rules = 0;
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                rules++;
                assertThat(rule.path("health").asText())
                        .as(
                                "health of %s: %s",
                                rule.path("name").asText(),
                                rule.path("lastError").asText())
                        .isEqualTo("ok");
                if ("alerting".equals(rule.path("type").asText())) {
                    alerts.add(rule.path("name").asText());
                }
            }
        }
        assertThat(rules).isPositive();
        assertThat(alerts).containsAll(REQUIRED_ALERTS);
    }

    /**
     * No per-account or per-token labels: every label of lastseen's own series takes a value from
     * a known bounded set, and no label of any series equals an account or token id of the traffic.
     */
    private static void assertLabelsAreBounded(String scrape, SyntheticTraffic traffic) {
        Set<String> ids = new HashSet<>(List.of("tok-placeholder-secret"));
        traffic.tokens().forEach(t -> {
            ids.add(t.accountId());
            ids.add(t.tokenId());
        });
        Map<String, Set<String>> allowed = Map.of(
                "credential_type", enumNames(CredentialType.values()),
                "outcome", enumNames(AuthOutcome.values()),
                "reason", codes(),
                "from", Set.of("client", "instance"), // the API's query limiter: who asked
                "cause",
                        Arrays.stream(FailureKind.values())
                                .map(FailureKind::code)
                                .collect(Collectors.toSet()),
                "source",
                        Arrays.stream(InForce.Source.values())
                                .map(InForce.Source::code)
                                .collect(Collectors.toSet()),
                "sha256", Set.of(), // the thresholds in force (one series): a short hash, checked below
                "le", Set.of()); // histogram bucket bounds: numbers, checked below
        Pattern series = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)}\\s");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        int lastseenSeries = 0;
        for (String line : scrape.split("\n")) {
            Matcher m = series.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            String name = m.group(1);
            Matcher l = label.matcher(m.group(2));
            while (l.find()) {
                String key = l.group(1);
                String value = l.group(2);
                assertThat(ids)
                        .as("label %s=%s of %s is an account or token id", key, value, name)
                        .doesNotContain(value);
                if (name.startsWith("lastseen_")) {
                    assertThat(allowed).as("label %s of %s", key, name).containsKey(key);
                    if (key.equals("le")) {
                        assertThat(value).matches("\\+Inf|[0-9.eE+-]+");
                    } else if (key.equals("sha256")) {
                        assertThat(value).matches("[0-9a-f]{12}|");
                    } else {
                        assertThat(allowed.get(key))
                                .as("value of %s on %s", key, name)
                                .contains(value);
                    }
                }
            }
            if (name.startsWith("lastseen_")) {
                lastseenSeries++;
            }
        }
        assertThat(lastseenSeries).isGreaterThan(20);
    }

    private static Set<String> enumNames(Enum<?>[] values) {
        Set<String> names = new HashSet<>();
        for (Enum<?> v : values) {
            names.add(v.name());
        }
        return names;
    }

    private static Set<String> codes() {
        Set<String> codes = new HashSet<>();
        for (dev.lastseen.serde.InputRejectReason r : dev.lastseen.serde.InputRejectReason.values()) {
            codes.add(r.code());
        }
        for (dev.lastseen.app.metrics.SpikeDropReason r : dev.lastseen.app.metrics.SpikeDropReason.values()) {
            codes.add(r.code());
        }
        for (dev.lastseen.app.http.AuthFailureReason r : dev.lastseen.app.http.AuthFailureReason.values()) {
            codes.add(r.code());
        }
        return codes;
    }

    /** Scrapes the app and keeps the text in target/ for whoever reads a failure. */
    private static String keepScrape(int port) throws IOException, InterruptedException {
        String scrape = scrape(port);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "observability-it-metrics.txt"), scrape);
        return scrape;
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The applier's configuration: its own database, a usage table without a tokens table (every patch's row is written). */
    private static ApplierConfig applyConfig(String bootstrap, String topic) {
        Map<String, Object> c =
                new HashMap<>(ApplierDatabase.create(POSTGRES.server(), Target.Layout.USAGE_TABLE, true, false)
                        .configMap());
        c.put("bootstrap.servers", bootstrap);
        c.put(ApplierConfigLoader.TOPIC, topic);
        c.put(ApplierConfigLoader.DLQ_TOPIC, APPLY_DLQ); // this class's own topic and group on the shared broker
        c.put("group.id", "obs-apply");
        c.put(BatchConfig.BATCH_LINGER_MS, "100");
        return ApplierConfigLoader.fromMap(c);
    }

    private Map<String, Object> appConfig(String bootstrap, Path thresholds) {
        Map<String, Object> c =
                ItKafka.appConfig(bootstrap, "mem:", ItKafka.topics("obs-"), "obs-app", dir.resolve("state"));
        c.remove(InputConfig.PATCH_GRANULARITY_MS); // the default, as deployed: patches per event is a panel
        c.put(SpikeConfig.SPIKE_WINDOW_MS, 2_000L);
        c.put(SpikeConfig.SPIKE_GRACE_MS, 1_000L);
        c.put(SpikeConfig.THRESHOLDS_FILE, thresholds.toString());
        c.put(SpikeConfig.THRESHOLDS_POLL_MS, 200L);
        return c;
    }

    /** The test's producers: the token registry, steady logins, and the incidents. */
    private static final class Producers implements AutoCloseable {
        private final KafkaProducer<String, LoginEvent> logins;
        private final KafkaProducer<String, ServiceToken> tokens;
        private final KafkaProducer<byte[], byte[]> raw;
        private final TopicNames topics;
        private final AtomicBoolean running = new AtomicBoolean(true);

        Producers(String bootstrap, InMemorySchemaRegistry registry, TopicNames topics) {
            Map<String, Object> props =
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 10);
            logins = new KafkaProducer<>(
                    props, new StringSerializer(), new SpecificAvroSerializer<>(registry, LoginEvent.class, true));
            tokens = new KafkaProducer<>(
                    props, new StringSerializer(), new SpecificAvroSerializer<>(registry, ServiceToken.class, true));
            raw = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            this.topics = topics;
        }

        void registry(SyntheticTraffic traffic) {
            Instant created = Instant.now().minus(Duration.ofDays(30));
            traffic.tokens()
                    .forEach(t -> tokens.send(new ProducerRecord<>(
                            topics.serviceTokens(), t.tokenId(), traffic.registryRecord(t, created))));
            tokens.flush();
        }

        /** Logins at about {@code perSecond} on a daemon thread until {@link #stop()}. */
        Thread steadyTraffic(SyntheticTraffic traffic, int perSecond) {
            Thread t = new Thread(
                    () -> {
                        long interval = 1_000_000_000L / perSecond;
                        long next = System.nanoTime();
                        while (running.get()) {
                            LoginEvent e = traffic.next(Instant.now());
                            logins.send(new ProducerRecord<>(topics.loginEvents(), e.getAccountId(), e));
                            next += interval;
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing a load generator
                            }
                        }
                    },
                    "observability-it-traffic");
            t.setDaemon(true);
            t.start();
            return t;
        }

        void failureBurst(String account, String token, int failures) {
            Instant now = Instant.now();
            for (int i = 0; i < failures; i++) {
                LoginEvent e = TestRecords.failure(account, token, now.plusMillis(i % 100));
                logins.send(new ProducerRecord<>(topics.loginEvents(), account, e));
            }
            logins.flush();
        }

        void garbageLogin() {
            raw.send(new ProducerRecord<>(
                    topics.loginEvents(),
                    "acct-000".getBytes(StandardCharsets.UTF_8),
                    "not avro at all".getBytes(StandardCharsets.UTF_8)));
            raw.flush();
        }

        /** A placeholder where the hash should be: the secret rule's newest row, which the alert must catch like any other. */
        void placeholderSecret(String account, String token) {
            tokens.send(new ProducerRecord<>(
                    topics.serviceTokens(),
                    token,
                    ServiceToken.newBuilder()
                            .setTokenId(token)
                            .setAccountId(account)
                            .setName("placeholder")
                            .setClientId("client-placeholder")
                            .setClientSecretHash("*".repeat(16))
                            .setCreatedAt(Instant.now())
                            .setExpiresAt(null)
                            .build()));
            tokens.flush();
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void close() {
            stop();
            logins.close(Duration.ofSeconds(5));
            tokens.close(Duration.ofSeconds(5));
            raw.close(Duration.ofSeconds(5));
        }
    }
}
