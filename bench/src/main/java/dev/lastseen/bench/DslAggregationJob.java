package dev.lastseen.bench;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.AvroSerdes;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The job a user would write by hand instead of lastseen, for {@code bench/run.sh --compare}: the
 * login stream grouped by token id, the latest {@code occurred_at} of its successful logins kept in
 * a RocksDB table — what a ksqlDB {@code SELECT token_id, MAX(occurred_at) ... WHERE outcome =
 * 'SUCCESS' GROUP BY token_id} table does (a repartition by token, then an aggregate into a cached,
 * changelogged RocksDB store). Same exactly-once, commit interval, record cache and heap as lastseen's
 * defaults; everything else is Kafka Streams' default, as a user would leave it. Benchmark only,
 * never part of the product.
 *
 * <p>Arguments: bootstrap servers, schema registry URL, login topic, application id, state directory.
 */
public final class DslAggregationJob {
    /** The aggregate's store: token id → latest successful login (epoch millis). */
    static final String STORE = "token-max-last-seen";

    private DslAggregationJob() {}

    /** The topology: the same shape as the ksqlDB table above. */
    static Topology topology(String loginTopic, SchemaRegistryClient registry) {
        // auto-registering, as a user's serde does by default: the repartition topic's subject is new
        Serde<LoginEvent> logins = AvroSerdes.specific(LoginEvent.class, registry, true);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(loginTopic, Consumed.with(Serdes.String(), logins))
                .filter((account, e) -> e.getTokenId() != null && e.getOutcome() == AuthOutcome.SUCCESS)
                .groupBy((account, e) -> e.getTokenId(), Grouped.with("by-token", Serdes.String(), logins))
                .aggregate(
                        () -> Long.MIN_VALUE,
                        (token, e, latest) -> Math.max(latest, e.getOccurredAt().toEpochMilli()),
                        Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(Serdes.Long()));
        return builder.build();
    }

    static Properties properties(String bootstrap, String applicationId, String stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // lastseen's defaults (ConfigLoader): exactly-once v2, one commit a second, a 64 MiB record cache.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        return p;
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 5) {
            System.err.println(
                    "usage: DslAggregationJob BOOTSTRAP_SERVERS REGISTRY_URL LOGIN_TOPIC APPLICATION_ID STATE_DIR");
            System.exit(2);
        }
        KafkaStreams streams = new KafkaStreams(
                topology(args[2], RestSchemaRegistryClient.create(args[1])), properties(args[0], args[3], args[4]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }));
        streams.setUncaughtExceptionHandler(e -> {
            System.err.println("DslAggregationJob: " + e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR) {
                System.exit(1); // a benchmark job that failed must not look like one that is still draining
            }
        });
        streams.start();
        stopped.await();
    }
}
