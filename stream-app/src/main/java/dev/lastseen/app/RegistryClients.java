package dev.lastseen.app;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.registry.RegistrySettings;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryClient;
import java.nio.file.Path;

/** Builds the schema-registry client the configuration asks for. */
public final class RegistryClients {
    private RegistryClients() {}

    public static SchemaRegistryClient create(LastseenConfig.RegistrySettings s) {
        if (s.inMemory()) {
            return new InMemorySchemaRegistry();
        }
        RegistrySettings.Builder b = RegistrySettings.builder(s.url())
                .connectTimeout(s.connectTimeout())
                .readTimeout(s.readTimeout());
        if (s.bearerToken() != null) {
            b.bearerToken(s.bearerToken());
        } else if (s.basicUser() != null) {
            b.basicAuth(s.basicUser(), s.basicPassword());
        }
        if (s.trustStore() != null) {
            b.trustStore(
                    Path.of(s.trustStore().path()),
                    s.trustStore().password(),
                    s.trustStore().type());
        }
        return new RestSchemaRegistryClient(b.build());
    }
}
