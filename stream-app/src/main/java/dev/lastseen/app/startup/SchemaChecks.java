package dev.lastseen.app.startup;

import dev.lastseen.app.topology.LastseenTopology;
import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.common.LogSafe;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RegisteredSchema;
import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryException;
import dev.lastseen.serde.WireFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks lastseen's schemas against the registry before anything is processed, so an
 * incompatible schema stops start-up with a message instead of dead-lettering every record.
 * Readers: the subject's latest writer schema must be readable by our reader schema (Avro's own
 * reader/writer resolution, the same the deserializer applies). Writers: our schema is
 * registered, or compatible and then registered when auto-registration allows it.
 *
 * <p>A {@link RegistryUnavailableException} is not a finding: it propagates, and the caller
 * waits for the registry ({@link RegistryWait}).
 */
public final class SchemaChecks {
    private static final Logger log = LoggerFactory.getLogger(SchemaChecks.class);
    private static final int MAX_VERDICT_CHARS = 1_000;

    private SchemaChecks() {}

    /** The contract's subjects (TopicNameStrategy, {@code <topic>-value}) with lastseen's schemas. */
    public static List<SchemaExpectation> of(TopicNames topics) {
        return List.of(
                expectation(topics.loginEvents(), LoginEvent.getClassSchema(), SchemaRole.READER),
                expectation(topics.serviceTokens(), ServiceToken.getClassSchema(), SchemaRole.READER),
                expectation(topics.tokenLastSeen(), TokenLastSeen.getClassSchema(), SchemaRole.WRITER),
                expectation(topics.authFailureAlerts(), AuthFailureSpike.getClassSchema(), SchemaRole.WRITER));
    }

    /**
     * The contract's subjects plus the internal login repartition topic's, which lastseen writes
     * (LoginEvent, re-keyed by account) and so must be able to register or find.
     */
    public static List<SchemaExpectation> of(TopicNames topics, String applicationId) {
        List<SchemaExpectation> all = new java.util.ArrayList<>(of(topics));
        all.add(expectation(
                LastseenTopology.loginRepartitionTopic(applicationId), LoginEvent.getClassSchema(), SchemaRole.WRITER));
        return List.copyOf(all);
    }

    private static SchemaExpectation expectation(String topic, Schema schema, SchemaRole role) {
        return new SchemaExpectation(topic, WireFormat.valueSubject(topic), schema, role);
    }

    /**
     * Runs every check and returns the problems found (empty: all good), each a sentence that
     * says what to fix. Registers writer schemas when {@code autoRegister} and they are compatible.
     *
     * @throws RegistryUnavailableException when the registry cannot be reached (retry later)
     */
    public static List<String> check(
            SchemaRegistryClient registry, List<SchemaExpectation> expectations, boolean autoRegister) {
        List<String> problems = new ArrayList<>();
        for (SchemaExpectation e : expectations) {
            try {
                String problem = e.role() == SchemaRole.READER
                        ? checkReader(registry, e)
                        : checkWriter(registry, e, autoRegister);
                if (problem != null) {
                    problems.add(problem);
                }
            } catch (SchemaRegistryException ex) {
                // An answer that is not a verdict on compatibility: authentication, a wrong URL prefix...
                problems.add("the schema registry refused a check of subject '" + e.subject() + "': " + ex.getMessage()
                        + " (check " + RegistryConfig.URL + " and the registry credentials)");
            }
        }
        return problems;
    }

    private static String checkReader(SchemaRegistryClient registry, SchemaExpectation e) {
        Optional<RegisteredSchema> latest = registry.latest(e.subject());
        if (latest.isEmpty()) {
            log.info(
                    "Subject {} has no schema yet; lastseen will read whatever compatible schema producers register",
                    e.subject());
            return null;
        }
        RegisteredSchema writer = latest.get();
        SchemaCompatibility.SchemaPairCompatibility verdict =
                SchemaCompatibility.checkReaderWriterCompatibility(e.schema(), writer.schema());
        if (verdict.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return "records on topic '" + e.topic() + "' are written with schema id " + writer.id() + " (subject '"
                    + e.subject()
                    + "' version " + writer.version() + "), which lastseen's "
                    + e.schema().getFullName() + " cannot read: "
                    + oneLine(verdict.getDescription())
                    + "; register a backward-compatible producer schema, or upgrade lastseen to a version that reads it";
        }
        log.info(
                "Subject {}: latest schema id {} (version {}) is readable as {}",
                e.subject(),
                writer.id(),
                writer.version(),
                e.schema().getFullName());
        return null;
    }

    private static String checkWriter(SchemaRegistryClient registry, SchemaExpectation e, boolean autoRegister) {
        try {
            int id = registry.lookup(e.subject(), e.schema());
            log.info(
                    "Subject {}: lastseen's {} is registered as schema id {}",
                    e.subject(),
                    e.schema().getFullName(),
                    id);
            return null;
        } catch (SchemaRegistryException notRegistered) {
            if (!notRegistered.isNotFound() || notRegistered.errorCode() / 100 != 404) {
                throw notRegistered; // not a "not found" verdict: reported by the caller
            }
        }
        if (!registry.isCompatible(e.subject(), e.schema())) {
            return "lastseen's " + e.schema().getFullName() + " is not compatible with the latest schema of subject '"
                    + e.subject()
                    + "' (level " + registry.compatibility(e.subject())
                    + "), so its consumers could not read lastseen's output on topic '"
                    + e.topic()
                    + "'; fix the subject's schema or compatibility level, or point lastseen at another topic";
        }
        if (!autoRegister) {
            return "subject '" + e.subject() + "' does not have lastseen's "
                    + e.schema().getFullName()
                    + " and auto-registration is off; register it (it is compatible) or set "
                    + RegistryConfig.AUTO_REGISTER + "=true";
        }
        int id = registry.register(e.subject(), e.schema());
        log.info(
                "Subject {}: registered lastseen's {} as schema id {}",
                e.subject(),
                e.schema().getFullName(),
                id);
        return null;
    }

    /** Avro's verdict spans lines and names the writer's fields, which come from the registry: one safe line. */
    private static String oneLine(String description) {
        return description == null
                ? ""
                : LogSafe.oneLine(description.replaceAll("\\s+", " ").trim(), MAX_VERDICT_CHARS);
    }
}
