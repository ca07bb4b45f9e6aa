package dev.lastseen.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A registry in memory, for unit tests and {@code lastseen demo} only. Ids are global and
 * stable per distinct schema, as in the Confluent registry; compatibility is BACKWARD by
 * default (a new reader must read data written with the latest registered schema), and every
 * Confluent level (NONE, BACKWARD, FORWARD, FULL and their _TRANSITIVE forms) can be set per
 * subject.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {
    /** The compatibility levels the Confluent registry knows. */
    public static final Set<String> LEVELS = Set.of(
            "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");

    private static final String DEFAULT_LEVEL = "BACKWARD";

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<Schema, Integer> idBySchema = new HashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();
    private final Map<String, String> compatibilityBySubject = new HashMap<>();
    private int nextId = 1;

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (!versions.contains(schema)) {
            if (!isCompatible(subject, schema)) {
                throw new SchemaRegistryException(
                        "Schema being registered is incompatible with an earlier schema for subject '" + subject + "' ("
                                + compatibility(subject) + ")",
                        409,
                        SchemaRegistryException.INCOMPATIBLE_SCHEMA);
            }
            versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(schema);
        }
        return idBySchema.computeIfAbsent(schema, s -> {
            int id = nextId++;
            byId.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException(
                    "Subject '" + subject + "' not found", 404, SchemaRegistryException.SUBJECT_NOT_FOUND);
        }
        if (!versions.contains(schema)) {
            throw new SchemaRegistryException(
                    "Schema not found under subject '" + subject + "'", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return idBySchema.get(schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(
                    "Schema " + id + " not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return schema;
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        String level = compatibility(subject);
        if (versions.isEmpty() || "NONE".equals(level)) {
            return true;
        }
        List<Schema> against = level.endsWith("_TRANSITIVE") ? versions : List.of(versions.get(versions.size() - 1));
        boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
        boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
        for (Schema existing : against) {
            if ((backward && !canRead(schema, existing)) || (forward && !canRead(existing, schema))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized String compatibility(String subject) {
        return compatibilityBySubject.getOrDefault(subject, DEFAULT_LEVEL);
    }

    /** @throws IllegalArgumentException if the level is not one of {@link #LEVELS} (case-insensitive) */
    @Override
    public synchronized void setCompatibility(String subject, String level) {
        String normalized = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(normalized)) {
            throw new IllegalArgumentException(
                    "compatibility level must be one of " + LEVELS + ", got '" + level + "'");
        }
        compatibilityBySubject.put(subject, normalized);
    }

    @Override
    public synchronized Optional<RegisteredSchema> latest(String subject) {
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            return Optional.empty();
        }
        Schema schema = versions.get(versions.size() - 1);
        return Optional.of(new RegisteredSchema(idBySchema.get(schema), versions.size(), schema));
    }

    @Override
    public synchronized List<String> subjects() {
        return versionsBySubject.keySet().stream().sorted().toList();
    }

    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                        .getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
