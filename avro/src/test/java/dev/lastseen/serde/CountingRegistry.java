package dev.lastseen.serde;

import dev.lastseen.registry.RegisteredSchema;
import dev.lastseen.registry.SchemaRegistryClient;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.avro.Schema;

/** Delegates to a real registry, counts calls, and can replace {@code schemaById}. */
final class CountingRegistry implements SchemaRegistryClient {
    private final SchemaRegistryClient delegate;
    private final IntFunction<Schema> schemaById;
    int registerCalls;
    int schemaByIdCalls;

    CountingRegistry(SchemaRegistryClient delegate) {
        this(delegate, delegate::schemaById);
    }

    CountingRegistry(SchemaRegistryClient delegate, IntFunction<Schema> schemaById) {
        this.delegate = delegate;
        this.schemaById = schemaById;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        registerCalls++;
        return delegate.register(subject, schema);
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return delegate.lookup(subject, schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        schemaByIdCalls++;
        return schemaById.apply(id);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }

    @Override
    public String compatibility(String subject) {
        return delegate.compatibility(subject);
    }

    @Override
    public void setCompatibility(String subject, String level) {
        delegate.setCompatibility(subject, level);
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        return delegate.latest(subject);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }
}
