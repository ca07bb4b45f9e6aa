package dev.lastseen.bench;

import dev.lastseen.app.LastseenServer;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.HttpServerConfig;
import dev.lastseen.app.config.InputConfig;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.applier.Applier;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.DatabaseConfig;
import dev.lastseen.applier.IdentityConfig;
import dev.lastseen.applier.Migrations;
import dev.lastseen.applier.Target;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.kafka.ContractTopics;
import dev.lastseen.devtools.kafka.EmbeddedKraftBroker;
import dev.lastseen.devtools.kafka.SingleBrokerConfig;
import dev.lastseen.postgres.PostgresServer;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;

/**
 * The apply benchmark ({@code bench/apply.sh}): how fast {@code lastseen apply} writes rows into a
 * real PostgreSQL (durable: fsync and synchronous commit on), and how fresh the rows are at half
 * that rate, end to end from the login.
 *
 * <p>One run: a KRaft broker (in this JVM), a PostgreSQL server (its own processes), the usage-table
 * layout with {@code --tokens} tokens in the tokens table. Throughput: {@code --tokens} patches
 * (one per token) preloaded on {@code token-last-seen} (6 partitions), then the applier (default
 * batch settings) drains them: rows/s from its first committed batch to the last row, first into
 * an empty usage table (inserts), then again with newer timestamps (updates). Freshness: the
 * application ({@code lastseen run}'s server, granularity 0 so every login is a patch) and the
 * applier run together while logins of uniformly random tokens arrive at half the update rate;
 * {@code lastseen_apply_freshness_seconds} (from the login's {@code occurred_at} to the committed
 * row) over the window after a warm-up, quantiles interpolated in its histogram buckets.
 * Prints one result line per run: {@code APPLY-RESULT tokens=.. insert_rows_s=.. update_rows_s=..
 * rate=.. fresh_p50_ms=.. fresh_p99_ms=.. fresh_count=..}.
 */
public final class ApplyBenchmark {
    private static final int PARTITIONS = 6;
    private static final String PATCHES = TopicNames.TOKEN_LAST_SEEN;
    private static final String DATABASE = "tokens_bench";

    private ApplyBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts =
                new HashMap<>(Map.of("--tokens", "100000", "--freshness-seconds", "60", "--dir", "bench/target/apply"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        int tokens = Integer.parseInt(opts.get("--tokens"));
        int freshSeconds = Integer.parseInt(opts.get("--freshness-seconds"));
        Path dir = Files.createDirectories(
                Path.of(opts.get("--dir")).toAbsolutePath().resolve("run-" + System.currentTimeMillis()));
        int givenRate = opts.containsKey("--rate") ? Integer.parseInt(opts.get("--rate")) : 0;
        System.out.println(run(tokens, freshSeconds, givenRate, dir));
    }

    /** @param givenRate logins/s of the freshness phase (e.g. half of what the whole pipeline sustains); 0: half the update path's */
    static String run(int tokens, int freshSeconds, int givenRate, Path dir) throws Exception {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (EmbeddedKraftBroker broker = EmbeddedKraftBroker.start(dir.resolve("kafka"), 0);
                PostgresServer postgres = PostgresServer.start(dir.resolve("postgres"), true)) {
            TopicNames topics = TopicNames.DEFAULTS;
            ContractTopics.create(broker, topics, PARTITIONS);
            broker.createTopic(TopicNames.APPLY_DEAD_LETTER, 1, Map.of());
            Map<String, Object> applyConfig = setUpDatabase(postgres, broker.bootstrapServers());
            long t = System.nanoTime();
            copyTokens(postgres, tokens);
            log("%d tokens copied into the tokens table in %.1f s", tokens, (System.nanoTime() - t) / 1e9);

            long base = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
            double insertRate = drain(broker.bootstrapServers(), registry, applyConfig, tokens, base);
            log("insert path: %.0f rows/s", insertRate);
            double updateRate = drain(broker.bootstrapServers(), registry, applyConfig, tokens, base + 60_000);
            log("update path: %.0f rows/s", updateRate);
            long rows = count(
                    postgres,
                    "SELECT count(*) FROM token_last_seen WHERE last_seen_at >= timestamptz 'epoch' + "
                            + (base + 60_000) + " * interval '1 millisecond'");
            if (rows != tokens) {
                throw new IllegalStateException("expected every row updated, found " + rows + " of " + tokens);
            }

            int rate = givenRate > 0 ? givenRate : (int) Math.max(1, updateRate / 2);
            Freshness f = freshness(
                    broker.bootstrapServers(),
                    registry,
                    applyConfig,
                    topics,
                    dir.resolve("state"),
                    tokens,
                    rate,
                    freshSeconds);
            return String.format(
                    Locale.ROOT,
                    "APPLY-RESULT tokens=%d insert_rows_s=%.0f update_rows_s=%.0f rate=%d fresh_p50_ms=%.0f fresh_p99_ms=%.0f fresh_count=%d",
                    tokens,
                    insertRate,
                    updateRate,
                    rate,
                    f.p50Millis,
                    f.p99Millis,
                    f.count);
        }
    }

    /** Preloads one patch per token, then times the applier draining them. */
    private static double drain(
            String bootstrap, InMemorySchemaRegistry registry, Map<String, Object> applyConfig, int tokens, long at)
            throws Exception {
        try (KafkaProducer<String, TokenLastSeen> p = new KafkaProducer<>(
                producerConfig(bootstrap),
                new StringSerializer(),
                new SpecificAvroSerializer<>(registry, TokenLastSeen.class, true))) {
            for (int i = 0; i < tokens; i++) {
                String id = tokenId(i);
                p.send(new ProducerRecord<>(
                        PATCHES,
                        id,
                        TokenLastSeen.newBuilder()
                                .setTokenId(id)
                                .setAccountId("acct-" + (i % 1000))
                                .setLastSeenAt(Instant.ofEpochMilli(at + (i % 1000)))
                                .setLastSeenColo("fra1")
                                .setLastSeenIp("192.0.2." + (i % 250))
                                .build()));
            }
            p.flush();
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT); // cumulative histograms
        try (Applier applier =
                Applier.start(ApplierConfigLoader.fromMap(applyConfig), registry, meters, Duration.ofMinutes(1))) {
            long first = 0;
            double atFirst = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (!applier.health().isLive()) {
                    throw new IllegalStateException(
                            "the applier stopped: " + applier.health().describe());
                }
                double applied = meters.get("lastseen.apply.rows")
                        .tag("outcome", "applied")
                        .counter()
                        .count();
                long now = System.nanoTime();
                if (first == 0 && applied > 0) {
                    first = now;
                    atFirst = applied;
                }
                if (applied >= tokens) {
                    return (applied - atFirst) / ((now - first) / 1e9);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // sampling a counter
            }
            throw new IllegalStateException("the applier did not apply " + tokens + " rows within 30 minutes");
        }
    }

    private record Freshness(double p50Millis, double p99Millis, long count) {}

    /** The application and the applier together, logins at {@code rate}/s; freshness over the window after a warm-up of a quarter. */
    private static Freshness freshness(
            String bootstrap,
            InMemorySchemaRegistry registry,
            Map<String, Object> applyConfig,
            TopicNames topics,
            Path stateDir,
            int tokens,
            int rate,
            int seconds)
            throws Exception {
        Map<String, Object> app = SingleBrokerConfig.base(bootstrap, "bench-apply-app", stateDir, "mem:");
        app.put(InputConfig.PATCH_GRANULARITY_MS, "0");
        app.put(HttpServerConfig.HTTP_HOST, "127.0.0.1");
        app.put(HttpServerConfig.HTTP_PORT, "0");
        LastseenConfig config = ConfigLoader.fromMap(app);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT); // cumulative histograms
        try (LastseenServer server = LastseenServer.start(config, registry, PARTITIONS);
                Applier applier = Applier.start(
                        ApplierConfigLoader.fromMap(applyConfig), registry, meters, Duration.ofMinutes(1));
                KafkaProducer<String, LoginEvent> p = new KafkaProducer<>(
                        producerConfig(bootstrap),
                        new StringSerializer(),
                        new SpecificAvroSerializer<>(registry, LoginEvent.class, true))) {
            long ready = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!(server.app().readiness().isReady() && applier.health().isReady())) {
                if (System.nanoTime() > ready) {
                    throw new IllegalStateException("the application and the applier were not ready within 2 minutes");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // waiting for readiness
            }
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long warmEnd = start + TimeUnit.SECONDS.toNanos(seconds) / 4;
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            HistogramSnapshot before = null;
            long next = start;
            long n = 0;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (System.nanoTime() < end) {
                if (before == null && System.nanoTime() >= warmEnd) {
                    before = histogram(meters);
                }
                String token = tokenId(rnd.nextInt(tokens));
                String account = "acct-" + Math.floorMod(token.hashCode(), 1000);
                p.send(new ProducerRecord<>(
                        topics.loginEvents(),
                        account,
                        LoginEvent.newBuilder()
                                .setEventId("ev-" + n++)
                                .setOccurredAt(Instant.now())
                                .setAccountId(account)
                                .setCredentialType(CredentialType.SERVICE_TOKEN)
                                .setTokenId(token)
                                .setOutcome(AuthOutcome.SUCCESS)
                                .setFailureReason(null)
                                .setColo("fra1")
                                .setClientIp("192.0.2.1")
                                .build()));
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing a load generator
                }
            }
            HistogramSnapshot after = histogram(meters);
            log("freshness window: %d logins at %d/s", n, rate);
            return quantiles(before, after);
        }
    }

    private static HistogramSnapshot histogram(MeterRegistry meters) {
        return meters.get("lastseen.apply.freshness").timer().takeSnapshot();
    }

    /** p50/p99 of the observations between two cumulative bucket snapshots, linear within a bucket (as Prometheus' histogram_quantile). */
    private static Freshness quantiles(HistogramSnapshot before, HistogramSnapshot after) {
        long total = after.count() - before.count();
        CountAtBucket[] b = before.histogramCounts();
        CountAtBucket[] a = after.histogramCounts();
        for (int i = 1; i < a.length; i++) {
            if (a[i].count() < a[i - 1].count()) {
                throw new IllegalStateException("histogram buckets are not cumulative");
            }
        }
        return new Freshness(quantile(b, a, 0.5, total), quantile(b, a, 0.99, total), total);
    }

    private static double quantile(CountAtBucket[] before, CountAtBucket[] after, double q, long total) {
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < after.length; i++) {
            double count = after[i].count() - before[i].count();
            double upper = after[i].bucket(TimeUnit.MILLISECONDS);
            if (count >= rank) {
                return count == lowerCount
                        ? upper
                        : lowerBound + (upper - lowerBound) * (rank - lowerCount) / (count - lowerCount);
            }
            lowerBound = upper;
            lowerCount = count;
        }
        return Double.POSITIVE_INFINITY;
    }

    /** As a deployment: the token service's tokens table, lastseen's migrations run by the owner, a login for the applier's role. */
    private static Map<String, Object> setUpDatabase(PostgresServer postgres, String bootstrap) {
        postgres.createDatabase(DATABASE);
        Map<String, Object> c = new HashMap<>();
        c.put(DatabaseConfig.JDBC_URL, postgres.jdbcUrl(DATABASE));
        c.put(DatabaseConfig.JDBC_USER, "lastseen_applier");
        c.put(DatabaseConfig.JDBC_PASSWORD, "bench-applier-password");
        c.put(RegistryConfig.URL, ApplierConfigLoader.IN_MEMORY_REGISTRY);
        c.put(ApplierConfigLoader.HTTP_PORT, "0");
        c.put("bootstrap.servers", bootstrap);
        c.put(IdentityConfig.STATE_DIR, postgres.log().resolveSibling("apply").toString());
        Target target = ApplierConfigLoader.fromMap(c).target();
        Migrations.createExampleTokensTable(postgres.superuser(DATABASE), target);
        Migrations.migrate(postgres.superuser(DATABASE), target);
        postgres.execute(DATABASE, "ALTER ROLE lastseen_applier LOGIN PASSWORD 'bench-applier-password'");
        return c;
    }

    private static long count(PostgresServer postgres, String sql) throws Exception {
        try (Connection c = postgres.superuser(DATABASE).getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void copyTokens(PostgresServer postgres, int tokens) throws Exception {
        StringBuilder rows = new StringBuilder(tokens * 96);
        for (int i = 0; i < tokens; i++) {
            String id = tokenId(i);
            rows.append(id)
                    .append('\t')
                    .append("acct-")
                    .append(i % 1000)
                    .append('\t')
                    .append("name of ")
                    .append(id)
                    .append('\t')
                    .append("client-")
                    .append(id)
                    .append('\t')
                    .append("$2b$12$")
                    .append(id)
                    .append("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL")
                    .append('\n');
        }
        try (Connection c = postgres.superuser(DATABASE).getConnection()) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY tokens (token_id, account_id, name, client_id, client_secret_hash) FROM STDIN",
                            new StringReader(rows.toString()));
        }
        postgres.execute(DATABASE, "VACUUM ANALYZE tokens");
    }

    private static Map<String, Object> producerConfig(String bootstrap) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                262_144);
    }

    private static String tokenId(int i) {
        return String.format(Locale.ROOT, "tok-%07d", i);
    }

    private static void log(String format, Object... args) {
        System.err.printf("[apply-bench] " + format + "%n", args);
    }
}
