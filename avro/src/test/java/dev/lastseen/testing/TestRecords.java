package dev.lastseen.testing;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import java.time.Instant;
import java.util.UUID;

/**
 * The input records every test builds, written once (in the avro test-jar, so unit, topology and
 * integration tests share them): a login of the login service and a registry record of the token
 * service, with plain fixed values where a test does not care.
 */
public final class TestRecords {
    /** {@code created_at} of every registry record built here. */
    public static final Instant CREATED_AT = Instant.parse("2026-01-01T00:00:00Z");
    /** {@code colo} of every login built here. */
    public static final String COLO = "fra1";
    /** {@code client_ip} of every login built here (TEST-NET-1). */
    public static final String CLIENT_IP = "192.0.2.10";
    /** {@code failure_reason} of every failed login built here. */
    public static final String FAILURE_REASON = "bad_secret";

    private TestRecords() {}

    /** A {@code SERVICE_TOKEN} login with a random event id; failures carry {@link #FAILURE_REASON}. */
    public static LoginEvent login(String account, String token, Instant at, AuthOutcome outcome) {
        return login(UUID.randomUUID().toString(), account, token, at, outcome);
    }

    /** A {@code SERVICE_TOKEN} login with the given event id. */
    public static LoginEvent login(String eventId, String account, String token, Instant at, AuthOutcome outcome) {
        return LoginEvent.newBuilder()
                .setEventId(eventId)
                .setOccurredAt(at)
                .setAccountId(account)
                .setCredentialType(CredentialType.SERVICE_TOKEN)
                .setTokenId(token)
                .setOutcome(outcome)
                .setFailureReason(outcome == AuthOutcome.FAILURE ? FAILURE_REASON : null)
                .setColo(COLO)
                .setClientIp(CLIENT_IP)
                .build();
    }

    public static LoginEvent success(String account, String token, Instant at) {
        return login(account, token, at, AuthOutcome.SUCCESS);
    }

    public static LoginEvent failure(String account, String token, Instant at) {
        return login(account, token, at, AuthOutcome.FAILURE);
    }

    /** The token service's record of a token: named {@code deploy bot <token>}, client {@code client-<token>}. */
    public static ServiceToken token(String account, String token, String secretHash) {
        return ServiceToken.newBuilder()
                .setTokenId(token)
                .setAccountId(account)
                .setName("deploy bot " + token)
                .setClientId("client-" + token)
                .setClientSecretHash(secretHash)
                .setCreatedAt(CREATED_AT)
                .setExpiresAt(null)
                .build();
    }
}
