package dev.lastseen.app.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The validated, immutable configuration of one lastseen instance. Built only by
 * {@link ConfigLoader}, which names the offending key in every error.
 *
 * @param query   interactive-query routing and bounds
 * @param streams the Kafka Streams properties (everything outside the {@code lastseen.} namespace, plus defaults)
 */
public record LastseenConfig(
        TopicNames topics,
        RegistrySettings registry,
        Duration patchGranularity,
        Duration clockSkewAllowance,
        InputBounds bounds,
        HttpSettings http,
        List<String> apiKeys,
        SpikeSettings spikes,
        QuerySettings query,
        Duration neverSeenRetention,
        ResilienceSettings resilience,
        Map<String, Object> streams) {

    public LastseenConfig {
        apiKeys = List.copyOf(apiKeys);
        streams = Map.copyOf(streams);
    }

    /** How the schema registry is reached. {@code url} "mem:" selects the in-memory registry (demo and tests only). */
    public record RegistrySettings(
            String url,
            String basicUser,
            String basicPassword,
            String bearerToken,
            boolean autoRegister,
            Duration connectTimeout,
            Duration readTimeout) {
        public boolean inMemory() {
            return "mem:".equals(url);
        }

        @Override
        public String toString() {
            return "RegistrySettings[url=" + url + ", auth="
                    + (bearerToken != null ? "bearer" : basicUser != null ? "basic" : "none") + ", autoRegister="
                    + autoRegister + "]";
        }
    }

    /**
     * Crashes, restarts and faults: this instance's stable name (null: a dynamic group member), how
     * long a planned shutdown may take and whether it leaves the group, and how often a record that
     * trips an unexpected error is retried before it is dead-lettered.
     */
    public record ResilienceSettings(
            String instanceId, Duration shutdownTimeout, LeaveGroup leaveGroup, int recordMaxRetries) {
        /** Whether this instance is a static member of the consumer group. */
        public boolean staticMember() {
            return instanceId != null;
        }

        /** Whether a planned shutdown leaves the consumer group. */
        public boolean leavesGroupOnShutdown() {
            return leaveGroup.leaves(staticMember());
        }
    }

    /** A copy with another HTTP address and Kafka Streams properties (the endpoint resolved at start-up). */
    public LastseenConfig withEndpoint(HttpSettings http, Map<String, Object> streams) {
        return new LastseenConfig(
                topics,
                registry,
                patchGranularity,
                clockSkewAllowance,
                bounds,
                http,
                apiKeys,
                spikes,
                query,
                neverSeenRetention,
                resilience,
                streams);
    }

    /** The REST server's address. */
    public record HttpSettings(String host, int port) {}

    /**
     * Interactive queries: how long a query may wait for state that is migrating (rebalance,
     * restore, instance loss) before it is answered 503, how long a forward to the owning
     * instance may take, how many registry entries one listing page may examine, and how far
     * behind (changelog records) a standby copy may be and still answer.
     */
    public record QuerySettings(
            Duration deadline,
            Duration forwardConnectTimeout,
            Duration forwardReadTimeout,
            int maxPageScan,
            long maxStaleLag) {}

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
        // API keys and any password in streams properties must never reach a log line.
        return "LastseenConfig[topics=" + topics + ", registry=" + registry + ", patchGranularity=" + patchGranularity
                + ", clockSkewAllowance=" + clockSkewAllowance + ", http=" + http + ", query=" + query + ", resilience="
                + resilience + ", apiKeys="
                + apiKeys.size() + " configured]";
    }
}
