package dev.lastseen.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that lastseen needs. Any
 * Confluent-compatible registry implements it (Confluent, Apicurio's ccompat API,
 * Karapace, Redpanda); {@link InMemorySchemaRegistry} implements it for tests and the demo.
 *
 * <p>Failures: {@link SchemaRegistryException} carries the registry's HTTP status and error
 * code for answers the registry gave (4xx); {@link RegistryUnavailableException} means the
 * registry could not be reached or kept failing (connection errors, 5xx) after retries.
 */
public interface SchemaRegistryClient {

    /** Registers the schema under the subject (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under the subject; error 40403 if it is not. */
    int lookup(String subject, Schema schema);

    /** The schema with this global id; error 40403 if the registry has none. */
    Schema schemaById(int id);

    /** Whether the schema is compatible with the subject's latest version (true if the subject has none). */
    boolean isCompatible(String subject, Schema schema);

    /** The subject's compatibility level, or the global default when the subject sets none. */
    String compatibility(String subject);

    /** Sets the subject's compatibility level (e.g. BACKWARD). */
    void setCompatibility(String subject, String level);

    /**
     * The subject's latest version, or empty when the subject has none (checked before a reader
     * starts). Default: unsupported, so test doubles need not implement it.
     */
    default Optional<RegisteredSchema> latest(String subject) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot read subject versions");
    }

    /** The registry's subjects (operators and tests). Default: unsupported, as {@link #latest}. */
    default List<String> subjects() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list subjects");
    }
}
