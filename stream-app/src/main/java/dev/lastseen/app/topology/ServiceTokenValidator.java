package dev.lastseen.app.topology;

import dev.lastseen.app.config.InputBounds;
import dev.lastseen.app.errors.RejectReason;
import dev.lastseen.app.errors.RejectedRecordException;
import dev.lastseen.avro.ServiceToken;
import java.util.function.Consumer;

/**
 * Bounds and rules for a ServiceToken. A missing, empty or blank {@code client_secret_hash}
 * is rejected: storing one is exactly the first incident (valid tokens stopped
 * authenticating), and a NOT NULL check alone did not catch the empty string.
 */
final class ServiceTokenValidator implements Consumer<ServiceToken> {
    private static final String RECORD = "ServiceToken";
    private final InputBounds bounds;

    ServiceTokenValidator(InputBounds bounds) {
        this.bounds = bounds;
    }

    @Override
    public void accept(ServiceToken t) {
        if (t == null) {
            return; // tombstone: the token was deleted
        }
        FieldRules.id(RECORD, "token_id", t.getTokenId());
        FieldRules.id(RECORD, "account_id", t.getAccountId());
        String secret = t.getClientSecretHash();
        if (secret == null || secret.isBlank()) {
            throw new RejectedRecordException(
                    RejectReason.BLANK_SECRET,
                    RECORD + ".client_secret_hash is missing, empty or blank; the previous good record stays in force");
        }
        if (secret.length() > bounds.maxSecretHashLength()) {
            throw new RejectedRecordException(
                    RejectReason.FIELD_TOO_LONG,
                    RECORD + ".client_secret_hash is " + secret.length() + " characters, over the bound of "
                            + bounds.maxSecretHashLength());
        }
        FieldRules.required(RECORD, "name", t.getName(), bounds.maxNameLength());
        FieldRules.required(RECORD, "client_id", t.getClientId(), bounds.maxClientIdLength());
        if (t.getCreatedAt().toEpochMilli() <= 0) {
            throw new RejectedRecordException(
                    RejectReason.INVALID_TIMESTAMP, RECORD + ".created_at is not after the epoch");
        }
    }
}
