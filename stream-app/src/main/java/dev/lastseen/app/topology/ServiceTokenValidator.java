package dev.lastseen.app.topology;

import dev.lastseen.app.config.InputBounds;
import dev.lastseen.app.errors.RejectedRecordException;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.serde.InputRejectReason;
import java.util.function.Consumer;

/**
 * Bounds and rules for a ServiceToken, the secret rule ({@link SecretRule}) among them. This
 * is the only class that reads {@code client_secret_hash} (a build-time test enforces it); the
 * messages it throws name fields and bounds, never values.
 */
final class ServiceTokenValidator implements Consumer<ServiceToken> {
    private static final String RECORD = "ServiceToken";
    private final InputBounds bounds;
    private final SecretRule secretRule;

    ServiceTokenValidator(InputBounds bounds, SecretRule secretRule) {
        this.bounds = bounds;
        this.secretRule = secretRule;
    }

    @Override
    public void accept(ServiceToken t) {
        if (t == null) {
            return; // tombstone: the token was deleted
        }
        FieldRules.id(RECORD, "token_id", t.getTokenId());
        FieldRules.id(RECORD, "account_id", t.getAccountId());
        String secret = t.getClientSecretHash();
        InputRejectReason broken = secretRule.violation(secret);
        if (broken != null) {
            throw new RejectedRecordException(broken, secretRule.explain(broken, secret));
        }
        FieldRules.required(RECORD, "name", t.getName(), bounds.maxNameLength());
        FieldRules.required(RECORD, "client_id", t.getClientId(), bounds.maxClientIdLength());
        if (t.getCreatedAt().toEpochMilli() <= 0) {
            throw new RejectedRecordException(
                    InputRejectReason.INVALID_TIMESTAMP, RECORD + ".created_at is not after the epoch");
        }
    }
}
