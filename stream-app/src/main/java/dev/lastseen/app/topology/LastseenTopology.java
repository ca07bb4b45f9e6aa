package dev.lastseen.app.topology;

import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.spikes.FailureSpikeTopology;
import dev.lastseen.app.spikes.SpikeStores;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.AvroSerdes;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.state.TokenStores;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds lastseen's topology. This is the only place the topology is assembled; the
 * application and the tests both call {@link #build}.
 *
 * <pre>
 * login-events ─validate─┬─ keyed by its account ──────────────────────┐
 *                        └─ key missing/wrong ─► repartition by account ┤
 * service-tokens ─validate─► token→account index ─► repartition ────────┤
 *                                                                       ▼
 *                               merged AccountCommand stream (one task per account partition)
 *                                ├─ Login  ─► UsageProcessor   [token-usage]    ─► token-last-seen
 *                                └─ Upsert/Delete ─► RegistryProcessor [token-registry]
 * logins by account ─► FailureSpikeDetector [auth-failure-window-counts, auth-failure-baselines] ─► auth-failure-alerts
 * </pre>
 */
public final class LastseenTopology {
    /** Names of processor nodes, fixed so tests and operators can find them in the description. */
    public static final String USAGE_PROCESSOR = "usage-writer";

    public static final String REGISTRY_PROCESSOR = "registry-writer";
    public static final String INDEX_PROCESSOR = "token-account-index";
    static final String LOGIN_REKEY_TOPIC = "login-by-account";
    static final String REGISTRY_REKEY_TOPIC = "registry-by-account";

    private LastseenTopology() {}

    /** The topology with the configured spike thresholds for every account (no thresholds file). */
    public static Topology build(
            TopologySettings settings, SchemaRegistryClient registry, TokenStores stores, LastseenMetrics metrics) {
        Thresholds fixed = FailureSpikeTopology.configuredDefaults(settings.spikes());
        return build(settings, registry, stores, metrics, () -> fixed);
    }

    /** @param thresholds the per-account spike thresholds in force, read at every window evaluation */
    public static Topology build(
            TopologySettings settings,
            SchemaRegistryClient registry,
            TokenStores stores,
            LastseenMetrics metrics,
            Supplier<Thresholds> thresholds) {
        return build(settings, registry, stores, SpikeStores.persistent(), metrics, thresholds);
    }

    /** @param spikeStores the failure-spike detector's stores (tests wrap them to count operations) */
    public static Topology build(
            TopologySettings settings,
            SchemaRegistryClient registry,
            TokenStores stores,
            SpikeStores spikeStores,
            LastseenMetrics metrics,
            Supplier<Thresholds> thresholds) {
        StreamsBuilder builder = new StreamsBuilder();

        // The serializer writes only the internal login repartition topic (start-up checks cover its subject).
        Serde<LoginEvent> loginIn = Serdes.serdeFrom(
                AvroSerdes.specific(LoginEvent.class, registry, settings.autoRegister())
                        .serializer(),
                new ValidatingDeserializer<>(
                        new SpecificAvroDeserializer<>(registry, LoginEvent.class),
                        new LoginEventValidator(settings.bounds(), settings.clock(), settings.clockSkewAllowance()),
                        settings.bounds().maxRecordBytes(),
                        false));
        Serde<ServiceToken> tokenIn = Serdes.serdeFrom(
                AvroSerdes.specific(ServiceToken.class, registry, true).serializer(),
                new ValidatingDeserializer<>(
                        new SpecificAvroDeserializer<>(registry, ServiceToken.class),
                        new ServiceTokenValidator(settings.bounds()),
                        settings.bounds().maxRecordBytes(),
                        true));
        Serde<TokenLastSeen> patchOut = AvroSerdes.specific(TokenLastSeen.class, registry, settings.autoRegister());

        KStream<String, LoginEvent> loginsByAccount = loginsByAccount(builder, settings, loginIn);
        FailureSpikeTopology.attach(
                loginsByAccount,
                settings.spikes(),
                spikeStores,
                settings.clock(),
                settings.topics().authFailureAlerts(),
                thresholds,
                registry,
                settings.autoRegister(),
                metrics);
        KStream<String, AccountCommand> logins =
                loginsByAccount.mapValues(AccountCommand.Login::new, Named.as("login-command"));
        KStream<String, AccountCommand> registryChanges = registryByAccount(builder, settings, stores, tokenIn);

        // One merged stream: both writers descend from it, so they share a sub-topology and a task per account.
        KStream<String, AccountCommand> commands = logins.merge(registryChanges, Named.as("account-commands"));
        commands.split(Named.as("command-"))
                .branch(
                        (account, c) -> c instanceof AccountCommand.Login,
                        Branched.withConsumer(
                                usage -> usage.process(
                                                usageWriter(settings, stores, metrics), Named.as(USAGE_PROCESSOR))
                                        .to(
                                                settings.topics().tokenLastSeen(),
                                                Produced.with(Serdes.String(), patchOut)
                                                        .withName("token-last-seen-sink")),
                                "login"))
                .defaultBranch(Branched.withConsumer(
                        reg -> reg.process(registryWriter(stores), Named.as(REGISTRY_PROCESSOR)), "registry"));

        return builder.build();
    }

    /** The internal topic through which events without their account key are re-keyed. */
    public static String loginRepartitionTopic(String applicationId) {
        return applicationId + "-" + LOGIN_REKEY_TOPIC + "-repartition";
    }

    private static KStream<String, LoginEvent> loginsByAccount(
            StreamsBuilder builder, TopologySettings settings, Serde<LoginEvent> loginIn) {
        KStream<String, LoginEvent> source = builder.stream(
                settings.topics().loginEvents(),
                Consumed.with(Serdes.String(), loginIn).withName("login-events-source"));
        // Events are normally keyed by account already; only the rest pay for a repartition.
        Map<String, KStream<String, LoginEvent>> byKeying = source.split(Named.as("login-"))
                .branch((key, event) -> event.getAccountId().equals(key), Branched.as("keyed"))
                .defaultBranch(Branched.as("unkeyed"));
        KStream<String, LoginEvent> rekeyed = byKeying.get("login-unkeyed")
                .selectKey((key, event) -> event.getAccountId(), Named.as("login-key-by-account"))
                .repartition(repartitioned(
                        Repartitioned.<String, LoginEvent>with(Serdes.String(), loginIn)
                                .withName(LOGIN_REKEY_TOPIC),
                        settings.accountPartitions()));
        return byKeying.get("login-keyed").merge(rekeyed, Named.as("logins-by-account"));
    }

    private static KStream<String, AccountCommand> registryByAccount(
            StreamsBuilder builder, TopologySettings settings, TokenStores stores, Serde<ServiceToken> tokenIn) {
        KStream<String, ServiceToken> source = builder.stream(
                settings.topics().serviceTokens(),
                Consumed.with(Serdes.String(), tokenIn).withName("service-tokens-source"));
        StoreBuilder<?> index = stores.tokenAccountIndexBuilder();
        ProcessorSupplier<String, ServiceToken, String, AccountCommand> indexer = new ProcessorSupplier<>() {
            @Override
            public TokenAccountIndexProcessor get() {
                return new TokenAccountIndexProcessor();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(index);
            }
        };
        return source.process(indexer, Named.as(INDEX_PROCESSOR))
                .repartition(repartitioned(
                        Repartitioned.<String, AccountCommand>with(Serdes.String(), new RegistryCommandSerde())
                                .withName(REGISTRY_REKEY_TOPIC),
                        settings.accountPartitions()));
    }

    private static <V> Repartitioned<String, V> repartitioned(Repartitioned<String, V> r, int partitions) {
        return partitions > 0 ? r.withNumberOfPartitions(partitions) : r;
    }

    private static ProcessorSupplier<String, AccountCommand, String, TokenLastSeen> usageWriter(
            TopologySettings settings, TokenStores stores, LastseenMetrics metrics) {
        StoreBuilder<?> usage = stores.usageBuilder();
        StoreBuilder<?> neverSeen = stores.neverSeenBuilder();
        return new ProcessorSupplier<>() {
            @Override
            public UsageProcessor get() {
                return new UsageProcessor(
                        settings.patchGranularity(),
                        metrics,
                        settings.clock(),
                        settings.neverSeenRetention(),
                        settings.neverSeenMaxEntries());
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(usage, neverSeen); // the usage group and nothing else
            }
        };
    }

    private static ProcessorSupplier<String, AccountCommand, Void, Void> registryWriter(TokenStores stores) {
        StoreBuilder<?> registry = stores.registryBuilder();
        return new ProcessorSupplier<>() {
            @Override
            public RegistryProcessor get() {
                return new RegistryProcessor();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(registry); // the registry group and nothing else
            }
        };
    }
}
