package dev.lastseen.state;

import java.util.Objects;

/**
 * The registry field group of one token, as the token service last published it. Only the
 * registry path constructs or stores these; the secret hash never leaves this group
 * ({@link TokenView} has no such field).
 *
 * @param expiresAt epoch millis, or null when the token does not expire
 */
public record RegistryFields(String name, String clientId, String clientSecretHash, long createdAt, Long expiresAt) {
    public RegistryFields {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clientId, "clientId");
        // Defence in depth behind input validation: the first incident stored an empty secret.
        if (clientSecretHash == null || clientSecretHash.isBlank()) {
            throw new IllegalArgumentException("client_secret_hash must be non-empty and non-blank");
        }
    }

    @Override
    public String toString() {
        // Never print the secret hash, even in a debugger or a failing assertion.
        return "RegistryFields[name=" + name + ", clientId=" + clientId + ", createdAt=" + createdAt + ", expiresAt="
                + expiresAt + ", clientSecretHash=<redacted>]";
    }
}
