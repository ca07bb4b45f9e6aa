package dev.lastseen.app.query;

import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenReadView;
import dev.lastseen.state.UsageFields;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LocalState} over a running {@link KafkaStreams} client. Both token stores live in
 * one sub-topology whose input is partitioned by the account id string, so the registry
 * store's metadata for the account answers for both.
 */
public final class KafkaStreamsLocalState implements LocalState {
    private static final Logger log = LoggerFactory.getLogger(KafkaStreamsLocalState.class);
    /** Lags are fetched from the broker (end offsets): cache them briefly so a burst of stale reads costs one fetch. */
    private static final Duration LAG_CACHE = Duration.ofMillis(250);

    private static final Duration LAG_FAILURE_LOG_EVERY = Duration.ofMinutes(1);

    private final KafkaStreams streams;
    private final Serializer<String> accountSerializer = new StringSerializer();
    private final Clock clock;
    private volatile CachedLags lags = new CachedLags(Instant.EPOCH, Map.of());
    private volatile Instant lastLagFailureLogged = Instant.EPOCH;

    private record CachedLags(Instant at, Map<Integer, Long> byPartition) {}

    public KafkaStreamsLocalState(KafkaStreams streams) {
        this(streams, Clock.systemUTC());
    }

    KafkaStreamsLocalState(KafkaStreams streams, Clock clock) {
        this.streams = streams;
        this.clock = clock;
    }

    @Override
    public KeyQueryMetadata metadataFor(String accountId) {
        try {
            return streams.queryMetadataForKey(StoreNames.TOKEN_REGISTRY, accountId, accountSerializer);
        } catch (StreamsNotStartedException | IllegalStateException notRunning) {
            // Not started yet, or shutting down: no metadata to offer, which the caller treats as "retry".
            return KeyQueryMetadata.NOT_AVAILABLE;
        }
    }

    @Override
    public TokenReadView view(int partition, boolean stale) {
        return new TokenReadView(
                this.<RegistryFields>store(StoreNames.TOKEN_REGISTRY, partition, stale),
                this.<UsageFields>store(StoreNames.TOKEN_USAGE, partition, stale));
    }

    private <V> ReadOnlyKeyValueStore<TokenKey, V> store(String name, int partition, boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<TokenKey, V>> params = StoreQueryParameters.fromNameAndType(
                        name, QueryableStoreTypes.<TokenKey, V>keyValueStore())
                .withPartition(partition);
        return streams.store(stale ? params.enableStaleStores() : params);
    }

    @Override
    public OptionalLong lag(int partition) {
        CachedLags cached = lags;
        Instant now = clock.instant();
        if (cached.at().plus(LAG_CACHE).isBefore(now)) {
            cached = new CachedLags(now, fetchLags(now));
            lags = cached;
        }
        Long lag = cached.byPartition().get(partition);
        return lag == null ? OptionalLong.empty() : OptionalLong.of(lag);
    }

    @Override
    public boolean caughtUp(int partition, boolean fresh) {
        Instant now = clock.instant();
        Map<Integer, Long> byPartition;
        if (fresh) {
            byPartition = fetchLags(now);
            lags = new CachedLags(now, byPartition);
        } else {
            lag(partition);
            byPartition = lags.byPartition();
        }
        Long lag = byPartition.get(partition);
        return lag != null && lag == 0;
    }

    /** Registry-store lag per local partition (both stores are restored together; the larger is reported). */
    private Map<Integer, Long> fetchLags(Instant now) {
        try {
            Map<String, Map<Integer, LagInfo>> all = streams.allLocalStorePartitionLags();
            Map<Integer, Long> out = new java.util.HashMap<>();
            for (String store : new String[] {StoreNames.TOKEN_REGISTRY, StoreNames.TOKEN_USAGE}) {
                all.getOrDefault(store, Map.of()).forEach((p, info) -> out.merge(p, info.offsetLag(), Math::max));
            }
            return out;
        } catch (RuntimeException e) {
            // Lag is advisory: a stale answer without it is still an answer. Logged, at most once a minute.
            if (lastLagFailureLogged.plus(LAG_FAILURE_LOG_EVERY).isBefore(now)) {
                lastLagFailureLogged = now;
                log.warn("Cannot read local store lags (stale answers will omit lag): {}", e.toString());
            }
            return Map.of();
        }
    }

    @Override
    public KafkaStreams.State state() {
        return streams.state();
    }
}
