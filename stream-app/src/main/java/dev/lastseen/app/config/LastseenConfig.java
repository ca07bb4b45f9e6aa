package dev.lastseen.app.config;

import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.config.KeyStoreFile;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RegistrySettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The validated, immutable configuration of one lastseen instance. Built only by
 * {@link ConfigLoader}, which names the offending key in every error.
 *
 * @param registry how the schema registry is reached; null: the in-memory registry ({@code mem:}, demo and tests)
 * @param autoRegisterSchemas whether lastseen registers its schemas when their subjects lack them
 * @param exposure what the API port serves besides the API, and whether responses name the instance
 * @param apiAccess the API key file
 * @param query   interactive-query routing and bounds
 * @param retention how long state that nothing refreshes is kept (never-seen and retired usage, the last-seen guard)
 * @param neverSeenMaxEntries most usage entries of never-successful token ids per task (the oldest are evicted)
 * @param trailingMaxEntries most tokens per task waiting for a trailing patch (more are not indexed)
 * @param secrets the secret rule's settings
 * @param resilience crashes, restarts and faults: identity, shutdown, record retries
 * @param streams the Kafka Streams properties (everything outside the {@code lastseen.} namespace, plus defaults)
 */
public record LastseenConfig(
        TopicNames topics,
        RegistrySettings registry,
        boolean autoRegisterSchemas,
        Duration patchGranularity,
        Duration clockSkewAllowance,
        InputBounds bounds,
        HttpServerSettings http,
        HttpExposure exposure,
        ApiAccessConfig.Settings apiAccess,
        SpikeSettings spikes,
        QuerySettings query,
        RetentionSettings retention,
        long neverSeenMaxEntries,
        long trailingMaxEntries,
        SecretSettings secrets,
        ResilienceSettings resilience,
        Map<String, Object> streams) {

    public LastseenConfig {
        Objects.requireNonNull(topics, "topics");
        streams = Map.copyOf(streams);
    }

    /**
     * How long state that nothing refreshes is kept (zero: forever).
     *
     * @param neverSeen usage of a token id that never succeeded, after its last failure
     * @param retired   usage of a token the registry deleted or moved away, after the delete/move
     * @param lastSeenGuard the last patched last_seen_at of a token, after it
     */
    public record RetentionSettings(Duration neverSeen, Duration retired, Duration lastSeenGuard) {}

    /**
     * The secret rule's settings: the shortest accepted {@code client_secret_hash} and the
     * placeholder values (compared case-insensitively) that are not secrets.
     *
     * @param fields the service-tokens fields that hold secrets ({@code lastseen.secret.fields}): the one list the
     *     decoder refuses to carry and audit-secrets looks for
     */
    public record SecretSettings(int minLength, List<String> placeholders, List<String> fields) {
        public static final List<String> DEFAULT_FIELDS = List.of("client_secret_hash");

        public SecretSettings {
            placeholders = List.copyOf(placeholders);
            fields = List.copyOf(fields);
        }

        public SecretSettings(int minLength, List<String> placeholders) {
            this(minLength, placeholders, DEFAULT_FIELDS);
        }
    }

    /**
     * Crashes, restarts and faults: this instance's stable name (null: not configured; start-up then
     * uses the one kept in the state directory), how long a planned shutdown keeps answering before it
     * stops ({@code shutdownDrain}), how long it may take and whether it leaves the group, and how often
     * a record that trips an unexpected error is retried before it is dead-lettered.
     */
    public record ResilienceSettings(
            String instanceId,
            Duration shutdownDrain,
            Duration shutdownTimeout,
            LeaveGroup leaveGroup,
            int recordMaxRetries) {
        /** Whether this instance is a static member of the consumer group. */
        public boolean staticMember() {
            return instanceId != null;
        }

        /** Whether a planned shutdown leaves the consumer group. */
        public boolean leavesGroupOnShutdown() {
            return leaveGroup.leaves(staticMember());
        }
    }

    /**
     * A copy that is the static group member {@code instanceId} ({@code group.instance.id}): the identity
     * start-up found in the state directory when none is configured.
     */
    public LastseenConfig withInstanceId(String instanceId) {
        Map<String, Object> withId = new HashMap<>(streams);
        withId.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        return copy(
                http,
                new ResilienceSettings(
                        instanceId,
                        resilience.shutdownDrain(),
                        resilience.shutdownTimeout(),
                        resilience.leaveGroup(),
                        resilience.recordMaxRetries()),
                withId);
    }

    /** A copy with another HTTP address and Kafka Streams properties (the endpoint resolved at start-up). */
    public LastseenConfig withEndpoint(HttpServerSettings http, Map<String, Object> streams) {
        return copy(http, resilience, streams);
    }

    /** The one copy the start-up resolutions (endpoint, instance id) go through. */
    private LastseenConfig copy(HttpServerSettings http, ResilienceSettings resilience, Map<String, Object> streams) {
        return new LastseenConfig(
                topics,
                registry,
                autoRegisterSchemas,
                patchGranularity,
                clockSkewAllowance,
                bounds,
                http,
                exposure,
                apiAccess,
                spikes,
                query,
                retention,
                neverSeenMaxEntries,
                trailingMaxEntries,
                secrets,
                resilience,
                streams);
    }

    /**
     * Interactive queries: how long a query may wait for state that is migrating (rebalance,
     * restore, instance loss) before it is answered 503 — the bound on a query's whole handling —,
     * how long a forward to the owning instance may take, how many token ids one listing page may
     * examine, how far behind (changelog records) a standby copy may be and still answer, and how
     * instances authenticate to each other.
     *
     * @param forwardCredentials the secrets instances accept from each other, the first the one they
     *                           send (several only while one is rotated); empty: no forwarding
     * @param forwardTrust      truststore for other instances' certificates (TLS; required with it)
     * @param forwardHosts      the hosts queries may be forwarded to (matched whole); null without forwarding
     */
    public record QuerySettings(
            Duration deadline,
            Duration forwardConnectTimeout,
            Duration forwardReadTimeout,
            int maxPageScan,
            long maxStaleLag,
            List<String> forwardCredentials,
            KeyStoreFile forwardTrust,
            Pattern forwardHosts) {

        public QuerySettings {
            forwardCredentials = List.copyOf(forwardCredentials);
        }

        /** Without the credential and trust settings: no forwarding between instances. */
        public QuerySettings(
                Duration deadline,
                Duration forwardConnectTimeout,
                Duration forwardReadTimeout,
                int maxPageScan,
                long maxStaleLag) {
            this(deadline, forwardConnectTimeout, forwardReadTimeout, maxPageScan, maxStaleLag, List.of(), null, null);
        }

        public QuerySettings withForwarding(String credential, KeyStoreFile trust, Pattern hosts) {
            return new QuerySettings(
                    deadline,
                    forwardConnectTimeout,
                    forwardReadTimeout,
                    maxPageScan,
                    maxStaleLag,
                    List.of(credential),
                    trust,
                    hosts);
        }

        /** The credential this instance sends when it forwards, or null: it forwards nothing. */
        public String forwardCredential() {
            return forwardCredentials.isEmpty() ? null : forwardCredentials.get(0);
        }

        @Override
        public String toString() {
            return "QuerySettings[deadline=" + deadline + ", forwardConnectTimeout=" + forwardConnectTimeout
                    + ", forwardReadTimeout=" + forwardReadTimeout + ", maxPageScan=" + maxPageScan + ", maxStaleLag="
                    + maxStaleLag + ", forwardCredentials=" + forwardCredentials.size() + " [hidden]"
                    + ", forwardTrust=" + forwardTrust + ", forwardHosts=" + forwardHosts + "]";
        }
    }

    /** Failure-spike detection: window size, grace for late events, and default thresholds. */
    public record SpikeSettings(
            Duration window,
            Duration grace,
            long minimum,
            double factor,
            double baselineAlpha,
            String thresholdsFile,
            Duration thresholdsPollInterval) {}

    @Override
    public String toString() {
        // Any password in streams properties must never reach a log line.
        return "LastseenConfig[topics=" + topics + ", registry=" + (registry == null ? "mem:" : registry.baseUrl())
                + ", patchGranularity=" + patchGranularity
                + ", clockSkewAllowance=" + clockSkewAllowance + ", http=" + http + ", query=" + query + ", resilience="
                + resilience + ", exposure=" + exposure + ", apiAccess=" + apiAccess + "]";
    }
}
