package dev.lastseen.app;

import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.registry.RegistrySettings;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryClient;

/** Builds the schema-registry client the configuration asks for. */
public final class RegistryClients {
    private RegistryClients() {}

    /** A REST client, or the in-memory registry (demo and tests) for null settings ({@code mem:}). */
    public static SchemaRegistryClient create(RegistrySettings settings) {
        return settings == null ? new InMemorySchemaRegistry() : new RestSchemaRegistryClient(settings);
    }
}
