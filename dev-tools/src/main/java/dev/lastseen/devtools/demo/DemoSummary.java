package dev.lastseen.devtools.demo;

import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenReadView;
import dev.lastseen.state.TokenView;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The periodic summary the demo prints, read through interactive queries. */
final class DemoSummary {
    private final KafkaStreams streams;
    private final MeterRegistry meters;
    private final List<SyntheticTraffic.Token> sample;
    private final PrintStream out;

    DemoSummary(KafkaStreams streams, MeterRegistry meters, List<SyntheticTraffic.Token> sample, PrintStream out) {
        this.streams = streams;
        this.meters = meters;
        this.sample = sample;
        this.out = out;
    }

    void print(long produced) {
        double processed = meters.find("lastseen.events").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        double patches = meters.find("lastseen.patches.emitted").counter() == null
                ? 0
                : meters.find("lastseen.patches.emitted").counter().count();
        out.printf(
                "%n[%s] state=%s produced=%d processed=%.0f patches=%.0f%n",
                Instant.now().toString().substring(11, 19), streams.state(), produced, processed, patches);
        try {
            ReadOnlyKeyValueStore<TokenKey, dev.lastseen.state.UsageFields> usage = streams.store(
                    StoreQueryParameters.fromNameAndType(StoreNames.TOKEN_USAGE, QueryableStoreTypes.keyValueStore()));
            ReadOnlyKeyValueStore<TokenKey, dev.lastseen.state.RegistryFields> registry =
                    streams.store(StoreQueryParameters.fromNameAndType(
                            StoreNames.TOKEN_REGISTRY, QueryableStoreTypes.keyValueStore()));
            out.printf("  tokens tracked: %d with usage, %d registered%n", count(usage), count(registry));
            TokenReadView view = new TokenReadView(registry, usage);
            for (SyntheticTraffic.Token t : sample) {
                view.get(t.accountId(), t.tokenId()).ifPresent(v -> out.println("  " + describe(v)));
            }
        } catch (InvalidStateStoreException e) {
            out.println("  state not queryable yet (" + streams.state() + "): " + e.getMessage());
        }
    }

    /** Exact count by iteration: the demo's state is small, and RocksDB's estimate counts overwrites. */
    private static long count(ReadOnlyKeyValueStore<TokenKey, ?> store) {
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static String describe(TokenView v) {
        String lastSeen = v.usage() == null || v.usage().lastSeenAt() == null
                ? "never"
                : Instant.ofEpochMilli(v.usage().lastSeenAt()) + " from "
                        + v.usage().lastSeenColo();
        long ok = v.usage() == null ? 0 : v.usage().successCount();
        long failed = v.usage() == null ? 0 : v.usage().failureCount();
        return String.format("%s/%s last seen %s (ok=%d failed=%d)", v.accountId(), v.tokenId(), lastSeen, ok, failed);
    }
}
