package dev.lastseen.applier;

import dev.lastseen.common.Backoff;
import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.registry.RegistrySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The validated, immutable configuration of {@code lastseen apply}. Built only by
 * {@link ApplierConfigLoader}, whose every error names the key.
 *
 * @param registry the schema registry to decode patches with; null for {@code mem:} (an in-process registry the caller passes in)
 * @param consumer Kafka consumer properties (pass-through keys plus the applier's fixed ones)
 * @param privilegeCheckInterval how often the running applier checks its role's privileges again
 * @param producer Kafka producer properties of the dead-letter producer
 */
public record ApplierConfig(
        Database database,
        Target target,
        Batching batching,
        Topics topics,
        RegistrySettings registry,
        HttpServerSettings http,
        Duration clockSkewAllowance,
        int maxRecordBytes,
        Identity identity,
        Duration privilegeCheckInterval,
        Map<String, Object> consumer,
        Map<String, Object> producer) {

    public ApplierConfig {
        consumer = Map.copyOf(consumer);
        producer = Map.copyOf(producer);
    }

    /**
     * How to reach PostgreSQL. {@code driverProperties} are PgJDBC connection properties passed
     * through ({@code sslmode}, {@code sslrootcert}, ...); the password is never part of them and
     * never printed.
     */
    public record Database(
            String jdbcUrl,
            String user,
            String password,
            Properties driverProperties,
            int poolMaxSize,
            Duration connectionTimeout,
            Duration statementTimeout,
            Credentials admin) {
        public Database {
            Properties copy = new Properties();
            copy.putAll(driverProperties);
            driverProperties = copy;
        }

        @Override
        public Properties driverProperties() {
            Properties copy = new Properties();
            copy.putAll(driverProperties);
            return copy;
        }

        @Override
        public String toString() {
            return "Database[url=" + jdbcUrl + ", user=" + user + ", password="
                    + (password == null ? "none" : "[hidden]")
                    + ", driverProperties=" + driverProperties.stringPropertyNames() + ", poolMaxSize=" + poolMaxSize
                    + ", connectionTimeout=" + connectionTimeout + ", statementTimeout=" + statementTimeout + ", admin="
                    + admin + "]";
        }
    }

    /** A user and its password (for {@code apply migrate}: the schema owner, never the applier's role). */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return user == null ? "none" : "Credentials[user=" + user + ", password=[hidden]]";
        }
    }

    /** Batches: at most {@code maxRecords} records, applied at the latest {@code linger} after the first one arrived. */
    public record Batching(int maxRecords, Duration linger, Duration initialBackoff, Duration maxBackoff) {
        /** Waits between retries of a batch or of the start-up check: doubling, jittered, so appliers do not retry in step. */
        public Backoff backoff() {
            return Backoff.exponential(initialBackoff, maxBackoff).withJitter();
        }
    }

    /** The input topic and the dead-letter topic of undecodable or invalid patches. */
    public record Topics(String tokenLastSeen, String deadLetter) {}

    /**
     * The applier's stable name in the consumer group (static membership): {@code instanceId} if
     * configured, else the name kept in {@code stateDir} ({@link dev.lastseen.common.InstanceIdFile}).
     */
    public record Identity(String instanceId, Path stateDir) {}

    @Override
    public String toString() {
        return "ApplierConfig[database=" + database + ", target=" + target + ", batching=" + batching + ", topics="
                + topics
                + ", registry=" + (registry == null ? "in-process" : registry.baseUrl() + " " + registry.auth())
                + ", http=" + http
                + ", clockSkewAllowance=" + clockSkewAllowance + ", maxRecordBytes=" + maxRecordBytes
                + ", consumer keys=" + consumer.keySet().stream().sorted().toList() + "]";
    }
}
