package dev.lastseen.state;

import org.apache.kafka.streams.state.KeyValueStore;

/** The registry path's only way to change token state: whole-group upserts and deletes of registry fields. */
public final class RegistryWriter {
    private final KeyValueStore<TokenKey, RegistryFields> registry;

    public RegistryWriter(KeyValueStore<TokenKey, RegistryFields> registry) {
        this.registry = registry;
    }

    public void upsert(TokenKey key, RegistryFields fields) {
        registry.put(key, fields);
    }

    public void delete(TokenKey key) {
        registry.delete(key);
    }
}
