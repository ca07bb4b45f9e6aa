package dev.lastseen.app.topology;

import dev.lastseen.avro.ServiceToken;
import dev.lastseen.state.RegistryFields;

/**
 * A service-tokens record as lastseen keeps it: every field but the secret. The service-tokens
 * source deserializer ({@link ServiceTokenDecoder}) checks the decoded record and returns this
 * projection; the {@link ServiceToken} with its {@code client_secret_hash} is dropped there, so
 * nothing downstream (processors, repartition topic, stores, changelogs, standbys) can hold it.
 *
 * @param createdAt epoch millis
 * @param expiresAt epoch millis, or null when the token does not expire
 */
public record TokenRegistration(
        String tokenId, String accountId, String name, String clientId, long createdAt, Long expiresAt) {

    /** The secret-free projection of a validated record. */
    static TokenRegistration of(ServiceToken token) {
        return new TokenRegistration(
                token.getTokenId(),
                token.getAccountId(),
                token.getName(),
                token.getClientId(),
                token.getCreatedAt().toEpochMilli(),
                token.getExpiresAt() == null ? null : token.getExpiresAt().toEpochMilli());
    }

    RegistryFields fields() {
        return new RegistryFields(name, clientId, createdAt, expiresAt);
    }
}
