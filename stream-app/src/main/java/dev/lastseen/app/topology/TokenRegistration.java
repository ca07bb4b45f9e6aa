package dev.lastseen.app.topology;

import dev.lastseen.avro.ServiceToken;
import dev.lastseen.state.RegistryFields;
import java.util.Set;

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

    /**
     * The service-tokens fields this projection keeps. Every other field of the record is dropped at the
     * decoder; a field listed in {@code lastseen.secret.fields} must not be one of these.
     */
    public static final Set<String> KEPT_FIELDS =
            Set.of("token_id", "account_id", "name", "client_id", "created_at", "expires_at");

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
