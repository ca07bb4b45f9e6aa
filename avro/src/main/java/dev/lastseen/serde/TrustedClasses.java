package dev.lastseen.serde;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro refuses to instantiate classes it has not been told to trust. The serdes trust
 * exactly the generated classes named in the schema they are built for — nothing wider,
 * such as a whole package taken from a system property.
 */
final class TrustedClasses {
    private static final Set<String> trusted = new HashSet<>();

    private TrustedClasses() {
    }

    static synchronized void trustNamedTypesOf(Schema schema) {
        Set<String> names = new HashSet<>();
        collect(schema, names, new HashSet<>());
        names.removeAll(trusted);
        if (names.isEmpty()) {
            return;
        }
        ClassSecurityValidator.Builder builder = ClassSecurityValidator.builder();
        names.forEach(builder::add);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), builder.build()));
        trusted.addAll(names);
    }

    private static void collect(Schema s, Set<String> names, Set<Schema> seen) {
        if (!seen.add(s)) {
            return;
        }
        switch (s.getType()) {
            case RECORD -> {
                names.add(s.getFullName());
                s.getFields().forEach(f -> collect(f.schema(), names, seen));
            }
            case ENUM, FIXED -> names.add(s.getFullName());
            case UNION -> s.getTypes().forEach(t -> collect(t, names, seen));
            case ARRAY -> collect(s.getElementType(), names, seen);
            case MAP -> collect(s.getValueType(), names, seen);
            default -> {
            }
        }
    }
}
