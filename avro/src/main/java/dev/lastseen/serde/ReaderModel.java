package dev.lastseen.serde;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The data model a {@link SpecificAvroDeserializer} reads with (and the explicit-schema
 * {@link SpecificAvroSerializer} materialises writer-schema defaults with).
 *
 * <p>Avro 1.12 refuses to instantiate a class it looks up by name unless that class is
 * trusted ({@code org.apache.avro.util.ClassSecurityValidator}, a process-wide setting whose
 * default trusts none of ours), so decoding into a generated class fails with a
 * {@link SecurityException}. This model leaves that global setting alone: it maps exactly the
 * named types of the reader's own schema (the record and its nested enums, records and
 * fixeds) to their generated classes, which the caller chose by passing the class. Any other
 * name still goes through Avro's check.
 */
final class ReaderModel extends SpecificData {
    private final Map<String, Class<?>> classByName;

    private ReaderModel(ClassLoader loader, Map<String, Class<?>> classByName) {
        super(loader);
        this.classByName = Map.copyOf(classByName);
    }

    static SpecificData forType(Class<?> type) {
        SpecificData generated = SpecificData.getForClass(type);
        Schema schema = generated.getSchema(type);
        Map<String, Class<?>> classByName = new HashMap<>();
        for (Schema named : namedTypes(schema, new LinkedHashMap<>()).values()) {
            try {
                // Not initialized; the name comes from our own generated schema, never from a payload.
                classByName.put(
                        named.getFullName(),
                        Class.forName(SpecificData.getClassName(named), false, type.getClassLoader()));
            } catch (ClassNotFoundException e) {
                // No generated class for it: Avro decides (generic representation, or its own check).
            }
        }
        ReaderModel model = new ReaderModel(type.getClassLoader(), classByName);
        for (Conversion<?> conversion : generated.getConversions()) {
            model.addLogicalTypeConversion(conversion);
        }
        return model;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class getClass(Schema schema) {
        Class<?> known = switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> classByName.get(schema.getFullName());
            default -> null;
        };
        return known != null ? known : super.getClass(schema);
    }

    private static Map<String, Schema> namedTypes(Schema schema, Map<String, Schema> found) {
        switch (schema.getType()) {
            case RECORD -> {
                if (found.putIfAbsent(schema.getFullName(), schema) == null) {
                    schema.getFields().forEach(field -> namedTypes(field.schema(), found));
                }
            }
            case ENUM, FIXED -> found.putIfAbsent(schema.getFullName(), schema);
            case UNION -> schema.getTypes().forEach(branch -> namedTypes(branch, found));
            case ARRAY -> namedTypes(schema.getElementType(), found);
            case MAP -> namedTypes(schema.getValueType(), found);
            default -> {}
        }
        return found;
    }
}
