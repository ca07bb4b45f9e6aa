package dev.lastseen.app.topology;

import dev.lastseen.app.config.InputBounds;
import dev.lastseen.app.errors.RejectedRecordException;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.serde.InputRejectReason;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Bounds and rules for a LoginEvent (docs/REFERENCE.md lists them with the record's fields).
 *
 * <p>Public only so that the JMH benchmarks in {@code bench/} can drive this hot path directly from
 * their own package; nothing outside the topology uses it otherwise.
 */
public final class LoginEventValidator implements Consumer<LoginEvent> {
    private static final String RECORD = "LoginEvent";
    private final InputBounds bounds;
    private final Clock clock;
    private final long skewAllowanceMillis;

    public LoginEventValidator(InputBounds bounds, Clock clock, Duration clockSkewAllowance) {
        this.bounds = bounds;
        this.clock = clock;
        this.skewAllowanceMillis = clockSkewAllowance.toMillis();
    }

    static boolean isTokenCredential(CredentialType type) {
        return type == CredentialType.SERVICE_TOKEN || type == CredentialType.API_TOKEN;
    }

    @Override
    public void accept(LoginEvent e) {
        FieldRules.required(RECORD, "event_id", e.getEventId(), bounds.maxEventIdLength());
        FieldRules.id(RECORD, "account_id", e.getAccountId());
        long occurredAt = e.getOccurredAt().toEpochMilli();
        if (occurredAt <= 0) {
            throw new RejectedRecordException(
                    InputRejectReason.INVALID_TIMESTAMP, RECORD + ".occurred_at is not after the epoch");
        }
        long latestAccepted = clock.millis() + skewAllowanceMillis;
        if (occurredAt > latestAccepted) {
            throw new RejectedRecordException(
                    InputRejectReason.FUTURE_TIMESTAMP,
                    RECORD + ".occurred_at is " + (occurredAt - clock.millis())
                            + " ms in the future, beyond the clock-skew allowance of " + skewAllowanceMillis + " ms");
        }
        if (isTokenCredential(e.getCredentialType())) {
            if (e.getTokenId() == null) {
                throw new RejectedRecordException(
                        InputRejectReason.MISSING_TOKEN_ID,
                        RECORD + ".token_id is required for credential_type " + e.getCredentialType());
            }
            FieldRules.id(RECORD, "token_id", e.getTokenId());
        } else if (e.getTokenId() != null) {
            FieldRules.bounded(RECORD, "token_id", e.getTokenId(), dev.lastseen.avro.Identifiers.MAX_ID_LENGTH);
        }
        FieldRules.bounded(RECORD, "failure_reason", e.getFailureReason(), bounds.maxFailureReasonLength());
        FieldRules.bounded(RECORD, "colo", e.getColo(), bounds.maxColoLength());
        FieldRules.bounded(RECORD, "client_ip", e.getClientIp(), bounds.maxClientIpLength());
    }
}
