package dev.lastseen.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/** One version of a subject as the registry holds it: its global id, its version number under the subject, and the schema. */
public record RegisteredSchema(int id, int version, Schema schema) {
    public RegisteredSchema {
        Objects.requireNonNull(schema, "schema");
    }
}
