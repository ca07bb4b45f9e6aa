package dev.lastseen.app.topology;

import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.spikes.FailureSpikeTopology;
import dev.lastseen.app.spikes.SpikeStores;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.AvroSerdes;
import dev.lastseen.serde.SingleObjectSerde;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.state.StoreNames;
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
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds lastseen's topology. This is the only place the topology is assembled; the
 * application and the tests both call {@link #build}.
 *
 * <pre>
 * login-events ─validate─┬─ keyed by its account ──────────────────────┐
 *                        └─ key missing/wrong ─► repartition by account ┤
 *                                                                       ├─ Login ────────────┐
 * service-tokens ─decode+check+project (secret dropped here)            │                    ▼
 *   ─► token→account index ─► repartition by account ─┬─► RegistryProcessor [token-registry]
 *                                                     └─ Registered/Retired (token id only) ─► UsageProcessor [token-usage]
 *                                                                                                  │ patches
 *        repartition by token ◄──────────────────────────────────────────────────────────────────┘
 *          ─► LastSeenGuardProcessor [token-last-seen-guard] (only advancing patches) ─► token-last-seen
 * logins by account ─► FailureSpikeDetector [auth-failure-window-counts, auth-failure-baselines] ─► auth-failure-alerts
 * </pre>
 */
public final class LastseenTopology {
    /** Names of processor nodes, fixed so tests and operators can find them in the description. */
    public static final String USAGE_PROCESSOR = "usage-writer";

    public static final String REGISTRY_PROCESSOR = "registry-writer";
    public static final String INDEX_PROCESSOR = StoreNames.TOKEN_ACCOUNT_INDEX; // named after the store it keeps
    public static final String GUARD_PROCESSOR = "last-seen-guard";
    static final String LOGIN_REKEY_TOPIC = "login-by-account";
    static final String REGISTRY_REKEY_TOPIC = "registry-by-account";

    static final String PATCH_REKEY_TOPIC = "token-last-seen-by-token";

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
        ServiceTokenDecoder.requireNotKept(settings.secrets().fields());
        Serde<TokenRegistration> tokenIn = ServiceTokenDecoder.sourceSerde(
                registry,
                settings.bounds(),
                new SecretRule(settings.secrets(), settings.bounds().maxSecretHashLength()));
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
        KStream<String, RegistryCommand> registryChanges = registryByAccount(builder, settings, stores, tokenIn);
        registryChanges.process(
                supplier(RegistryProcessor::new, stores.registryBuilder()), Named.as(REGISTRY_PROCESSOR));

        // Logins and the registry's lifecycle of each token (ids only) feed the usage writer. Both writers descend
        // from the account-keyed streams, so they share a sub-topology and a task per account partition.
        KStream<String, UsageCommand> usageCommands = loginsByAccount
                .mapValues(e -> (UsageCommand) new UsageCommand.Login(e), Named.as("login-command"))
                .merge(
                        registryChanges.mapValues(UsageCommand::lifecycleOf, Named.as("registry-lifecycle")),
                        Named.as("usage-commands"));
        KStream<String, TokenLastSeen> patches = usageCommands.process(
                supplier(
                        () -> new UsageProcessor(
                                settings.patchGranularity(),
                                metrics,
                                settings.clock(),
                                settings.retention(),
                                settings.neverSeenMaxEntries(),
                                settings.trailingMaxEntries()),
                        stores.usageBuilder(),
                        stores.neverSeenBuilder(),
                        stores.trailingBuilder()),
                Named.as(USAGE_PROCESSOR));

        // Every patch of a token passes one guard, whichever account produced it: token-last-seen never moves back.
        patches.repartition(repartitioned(
                        Repartitioned.with(Serdes.String(), new SingleObjectSerde<>(TokenLastSeen.class))
                                .withName(PATCH_REKEY_TOPIC),
                        settings.accountPartitions()))
                .process(
                        supplier(
                                () -> new LastSeenGuardProcessor(
                                        metrics,
                                        settings.clock(),
                                        settings.retention().lastSeenGuard()),
                                stores.lastSeenGuardBuilder()),
                        Named.as(GUARD_PROCESSOR))
                .to(
                        settings.topics().tokenLastSeen(),
                        Produced.with(Serdes.String(), patchOut).withName("token-last-seen-sink"));

        return builder.build();
    }

    /** The internal topic through which events without their account key are re-keyed. */
    public static String loginRepartitionTopic(String applicationId) {
        return applicationId + "-" + LOGIN_REKEY_TOPIC + "-repartition";
    }

    /** Names (without the application id prefix and -repartition suffix) of the repartition topics keyed by account. */
    public static Set<String> accountKeyedRepartitions() {
        return Set.of(LOGIN_REKEY_TOPIC, REGISTRY_REKEY_TOPIC);
    }

    private static KStream<String, LoginEvent> loginsByAccount(
            StreamsBuilder builder, TopologySettings settings, Serde<LoginEvent> loginIn) {
        KStream<String, LoginEvent> source = builder.stream(
                        settings.topics().loginEvents(),
                        Consumed.with(Serdes.String(), loginIn).withName("login-events-source"))
                .processValues(DropHeaders::new, Named.as("login-events-drop-headers"));
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

    private static KStream<String, RegistryCommand> registryByAccount(
            StreamsBuilder builder, TopologySettings settings, TokenStores stores, Serde<TokenRegistration> tokenIn) {
        KStream<String, TokenRegistration> source = builder.stream(
                        settings.topics().serviceTokens(),
                        Consumed.with(Serdes.String(), tokenIn).withName("service-tokens-source"))
                .processValues(DropHeaders::new, Named.as("service-tokens-drop-headers"));
        return source.process(
                        supplier(TokenAccountIndexProcessor::new, stores.tokenAccountIndexBuilder()),
                        Named.as(INDEX_PROCESSOR))
                .repartition(repartitioned(
                        Repartitioned.<String, RegistryCommand>with(Serdes.String(), new RegistryCommandSerde())
                                .withName(REGISTRY_REKEY_TOPIC),
                        settings.accountPartitions()));
    }

    private static <V> Repartitioned<String, V> repartitioned(Repartitioned<String, V> r, int partitions) {
        return partitions > 0 ? r.withNumberOfPartitions(partitions) : r;
    }

    /** A processor connected to its own field group's stores and nothing else. */
    private static <KI, VI, KO, VO> ProcessorSupplier<KI, VI, KO, VO> supplier(
            Supplier<? extends Processor<KI, VI, KO, VO>> processor, StoreBuilder<?>... stores) {
        Set<StoreBuilder<?>> connected = Set.of(stores);
        return new ProcessorSupplier<>() {
            @Override
            public Processor<KI, VI, KO, VO> get() {
                return processor.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return connected;
            }
        };
    }
}
