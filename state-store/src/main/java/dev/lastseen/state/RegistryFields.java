package dev.lastseen.state;

import java.util.Objects;

/**
 * The registry field group of one token, as the token service last published it: what queries
 * need and nothing more. There is no secret here, by construction: a service-tokens record is
 * projected to its secret-free fields where it is decoded, so no store, changelog, standby or
 * repartition topic can hold a {@code client_secret_hash}.
 *
 * @param expiresAt epoch millis, or null when the token does not expire
 */
public record RegistryFields(String name, String clientId, long createdAt, Long expiresAt) {
    public RegistryFields {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clientId, "clientId");
    }
}
