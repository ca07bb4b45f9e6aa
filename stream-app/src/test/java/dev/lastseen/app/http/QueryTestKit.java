package dev.lastseen.app.http;

import dev.lastseen.app.Readiness;
import dev.lastseen.app.access.AccountScope;
import dev.lastseen.app.access.ApiKeys;
import dev.lastseen.app.access.KeyDigest;
import dev.lastseen.app.config.HttpExposure;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.query.Endpoints;
import dev.lastseen.app.query.LocalState;
import dev.lastseen.app.query.PeerSignature;
import dev.lastseen.app.query.TokenQueryService;
import dev.lastseen.app.topology.TopologyDriver;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenReadView;
import dev.lastseen.state.UsageFields;
import dev.lastseen.testing.TestRecords;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One instance's token state under Kafka Streams' test driver (the real topology and RocksDB
 * stores), served by the real query service and HTTP resource. For API behaviour on one
 * instance; routing between instances is tested against real brokers and processes.
 */
public final class QueryTestKit implements AutoCloseable {
    public static final String API_KEY = "test-api-key-0123456789abcdef";
    /** A key whose line names {@link #SCOPED_ACCOUNT} only. */
    public static final String SCOPED_API_KEY = "test-scoped-key-0123456789abcdef";

    public static final String SCOPED_ACCOUNT = "acct-scoped";
    /** The key file in force: {@link #API_KEY} for every account, {@link #SCOPED_API_KEY} for one. */
    public static final ApiKeys KEYS = new ApiKeys(List.of(
            new ApiKeys.Entry(KeyDigest.of(API_KEY), AccountScope.EVERY_ACCOUNT),
            new ApiKeys.Entry(KeyDigest.of(SCOPED_API_KEY), AccountScope.of(Set.of(SCOPED_ACCOUNT)))));

    public static final HostInfo SELF = new HostInfo("test-instance", 7070);
    public static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private final TopologyDriver topologyDriver;
    private final InMemorySchemaRegistry registry;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, ServiceToken> tokens;
    private final TestInputTopic<String, LoginEvent> logins;
    private final LastseenConfig config;
    private HttpServer http;
    private PrometheusMeterRegistry meters;
    private final List<HttpServer> servers = new ArrayList<>();

    public QueryTestKit() {
        SecretScan.registerSecret(API_KEY);
        SecretScan.registerSecret(SCOPED_API_KEY);
        topologyDriver = TopologyDriver.builder().startAt(NOW).build();
        registry = topologyDriver.registry();
        driver = topologyDriver.driver();
        config = topologyDriver.config();
        StringSerializer keys = new StringSerializer();
        tokens = driver.createInputTopic(
                config.topics().serviceTokens(),
                keys,
                new SpecificAvroSerializer<>(registry, ServiceToken.class, true));
        logins = driver.createInputTopic(
                config.topics().loginEvents(), keys, new SpecificAvroSerializer<>(registry, LoginEvent.class, true));
    }

    /** A secret hash that no response may ever contain; registered with {@link SecretScan}. */
    public static String secretFor(String accountId, String tokenId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((accountId + "/" + tokenId).getBytes(StandardCharsets.UTF_8));
            String secret = "sha256:" + HexFormat.of().formatHex(d);
            SecretScan.registerSecret(secret);
            return secret;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes a registry record through the topology, as the token service would. */
    public void register(String accountId, String tokenId) {
        tokens.pipeInput(tokenId, TestRecords.token(accountId, tokenId, secretFor(accountId, tokenId)));
    }

    public void login(String accountId, String tokenId, Instant at, boolean success) {
        logins.pipeInput(
                accountId,
                TestRecords.login(accountId, tokenId, at, success ? AuthOutcome.SUCCESS : AuthOutcome.FAILURE));
    }

    /**
     * Writes {@code count} registered tokens straight into the stores (bulk set-up for large
     * accounts; the topology path is tested elsewhere). Token {@code i} is named
     * {@code tok-%07d}; those with {@code usedEvery > 0 && i % usedEvery == 0} were last used at {@code usedAt}.
     */
    public void putAccount(String accountId, int count, int usedEvery, Instant usedAt) {
        KeyValueStore<TokenKey, RegistryFields> reg = driver.getKeyValueStore(StoreNames.TOKEN_REGISTRY);
        KeyValueStore<TokenKey, UsageFields> use = driver.getKeyValueStore(StoreNames.TOKEN_USAGE);
        List<KeyValue<TokenKey, RegistryFields>> regBatch = new ArrayList<>();
        List<KeyValue<TokenKey, UsageFields>> useBatch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String tokenId = String.format("tok-%07d", i);
            TokenKey key = new TokenKey(accountId, tokenId);
            regBatch.add(KeyValue.pair(key, new RegistryFields("n" + i, "c" + i, 1_000L, null)));
            if (usedEvery > 0 && i % usedEvery == 0) {
                useBatch.add(KeyValue.pair(
                        key, new UsageFields(usedAt.toEpochMilli(), "fra1", null, 1, 0, usedAt.toEpochMilli())));
            }
            if (regBatch.size() == 5_000 || i == count - 1) {
                reg.putAll(regBatch);
                use.putAll(useBatch);
                regBatch.clear();
                useBatch.clear();
            }
        }
    }

    public TokenReadView readView() {
        return new TokenReadView(
                driver.getKeyValueStore(StoreNames.TOKEN_REGISTRY), driver.getKeyValueStore(StoreNames.TOKEN_USAGE));
    }

    /** This instance owns every account: one partition, fresh. */
    public LocalState localState() {
        return localState(new KeyQueryMetadata(SELF, Set.of(), 0), partition -> readView(), OptionalLong.of(0));
    }

    /**
     * A running instance whose every account lives where {@code metadata} says, with
     * {@code view} as its copy of a partition (it may throw {@code InvalidStateStoreException}).
     */
    public static LocalState localState(
            KeyQueryMetadata metadata, java.util.function.IntFunction<TokenReadView> view, OptionalLong lag) {
        return new LocalState() {
            @Override
            public KeyQueryMetadata metadataFor(String accountId) {
                return metadata;
            }

            @Override
            public TokenReadView view(int partition, boolean stale) {
                return view.apply(partition);
            }

            @Override
            public OptionalLong lag(int partition) {
                return lag;
            }

            // The kit's copy is a complete store: caught up unless a lag says otherwise.
            @Override
            public boolean caughtUp(int partition, boolean fresh) {
                return lag.isEmpty() || lag.getAsLong() == 0;
            }

            @Override
            public KafkaStreams.State state() {
                return KafkaStreams.State.RUNNING;
            }
        };
    }

    public TokenQueryService queryService() {
        return new TokenQueryService(localState(), SELF, config.query(), false);
    }

    public LastseenConfig config() {
        return config;
    }

    /** Starts the HTTP server with the token routes on a free loopback port; returns its base URL. */
    public String startHttp() {
        http = serve(new HttpServerSettings("127.0.0.1", 0), config.query(), localState(), SELF, r -> {});
        return "http://127.0.0.1:" + http.port();
    }

    /**
     * Serves the token routes as a real instance would (limiter, authenticator with the query
     * settings' instance credential, query service with their forwarding), over {@code state}.
     *
     * @param extra routes added before the token routes (e.g. a before-handler that records requests)
     */
    public HttpServer serve(
            HttpServerSettings settings,
            LastseenConfig.QuerySettings query,
            LocalState state,
            HostInfo self,
            Consumer<RoutesConfig> extra) {
        return serve(settings, HttpExposure.SINGLE_PORT, query, state, self, extra);
    }

    /** As {@link #serve(HttpServerSettings, LastseenConfig.QuerySettings, LocalState, HostInfo, Consumer)}, exposing {@code exposure}. */
    public HttpServer serve(
            HttpServerSettings settings,
            HttpExposure exposure,
            LastseenConfig.QuerySettings query,
            LocalState state,
            HostInfo self,
            Consumer<RoutesConfig> extra) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.meters = meters;
        String servedBy = Endpoints.authority(self);
        TokenResource resource = new TokenResource(
                new TokenQueryService(state, self, query, settings.tls() != null),
                new ApiKeyAuthenticator(
                        () -> KEYS,
                        query.forwardCredential() == null
                                ? null
                                : new PeerSignature(query.forwardCredentials(), Clock.systemUTC()),
                        servedBy,
                        new AuthFailures(meters)),
                query.maxPageScan(),
                exposure.servedBy() ? servedBy : null,
                new QueryLimiter(settings.limits().maxConcurrentQueries(), meters));
        HttpServer server = HttpServer.start(settings, exposure, servedBy, new Readiness(), meters, routes -> {
            extra.accept(routes);
            resource.routes(routes);
        });
        servers.add(server);
        return server;
    }

    /** The meters of the server started last. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public HttpServer http() {
        return http;
    }

    @Override
    public void close() {
        servers.forEach(HttpServer::close);
        topologyDriver.close();
    }
}
