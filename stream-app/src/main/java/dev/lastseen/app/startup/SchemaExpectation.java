package dev.lastseen.app.startup;

import java.util.Objects;
import org.apache.avro.Schema;

/** One subject lastseen reads or writes, with the schema it uses for it. */
public record SchemaExpectation(String topic, String subject, Schema schema, SchemaRole role) {
    public SchemaExpectation {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(role, "role");
    }
}
