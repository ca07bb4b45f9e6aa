package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lastseen.app.access.AccountScope;
import dev.lastseen.app.access.ApiKeys;
import dev.lastseen.app.access.KeyDigest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ApiKeyAuthenticatorTest {
    private static final String KEY_A = "key-a-0123456789abcdef-0123456789";
    private static final String KEY_B = "key-b-0123456789abcdef-0123456789";
    private static final String CLIENT = "192.0.2.7";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicReference<ApiKeys> keys = new AtomicReference<>(new ApiKeys(List.of(
            new ApiKeys.Entry(KeyDigest.of(KEY_A), AccountScope.of(Set.of("acct-1", "acct-2"))),
            new ApiKeys.Entry(KeyDigest.of(KEY_B), AccountScope.EVERY_ACCOUNT))));
    private final ApiKeyAuthenticator auth =
            new ApiKeyAuthenticator(keys::get, null, "self:7070", new AuthFailures(meters, nanos::get));

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger failuresLog = (Logger) LoggerFactory.getLogger(AuthFailures.class);

    {
        logs.start();
        failuresLog.addAppender(logs);
    }

    @AfterEach
    void detach() {
        failuresLog.detachAppender(logs);
    }

    private static int status(Runnable r) {
        try {
            r.run();
            return 200;
        } catch (ProblemException e) {
            return e.problem().status();
        }
    }

    private double failures(AuthFailureReason reason) {
        return meters.get("lastseen.api.auth.failures")
                .tag("reason", reason.code())
                .counter()
                .count();
    }

    @Test
    void everyKeyInTheFileIsAcceptedWithTheBearerSchemeInAnyCaseAndGivesItsLinesAccounts() {
        assertThat(auth.authenticate("Bearer " + KEY_A, CLIENT)).isEqualTo(AccountScope.of(Set.of("acct-1", "acct-2")));
        assertThat(auth.authenticate("bearer " + KEY_B, CLIENT)).isEqualTo(AccountScope.EVERY_ACCOUNT);
        assertThat(auth.authenticate("BEARER  " + KEY_A + " ", CLIENT).allows("acct-2"))
                .isTrue();
    }

    @Test
    void aKeyUsedOutsideItsAccountsIs403WrongAccountAndCounted() {
        AccountScope scope = auth.authenticate("Bearer " + KEY_A, CLIENT);
        assertThatCode(() -> auth.authorize(scope, "acct-1", CLIENT)).doesNotThrowAnyException();
        assertThatThrownBy(() -> auth.authorize(scope, "acct-3", CLIENT))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(403);
                    assertThat(e.problem().type()).endsWith("forbidden-account");
                });
        assertThat(failures(AuthFailureReason.WRONG_ACCOUNT)).isEqualTo(1.0);
        assertThatCode(() -> auth.authorize(auth.authenticate("Bearer " + KEY_B, CLIENT), "acct-3", CLIENT))
                .as("'*' reads every account")
                .doesNotThrowAnyException();
    }

    @Test
    void missingOrMalformedHeadersAre401AndUnknownKeys403EachCountedByReason() {
        assertThat(status(() -> auth.authenticate(null, CLIENT))).isEqualTo(401);
        assertThat(status(() -> auth.authenticate(" ", CLIENT))).isEqualTo(401);
        assertThat(status(() -> auth.authenticate(KEY_A, CLIENT))).isEqualTo(401);
        assertThat(status(() -> auth.authenticate("Basic " + KEY_A, CLIENT))).isEqualTo(401);
        assertThat(status(() -> auth.authenticate("Bearer " + "k".repeat(2000), CLIENT)))
                .isEqualTo(401);
        assertThat(status(() -> auth.authenticate("Bearer " + KEY_A + "x", CLIENT)))
                .isEqualTo(403);
        assertThat(status(() -> auth.authenticate("Bearer " + KEY_A.substring(1), CLIENT)))
                .isEqualTo(403);
        assertThat(failures(AuthFailureReason.MISSING)).isEqualTo(2.0);
        assertThat(failures(AuthFailureReason.MALFORMED)).isEqualTo(3.0);
        assertThat(failures(AuthFailureReason.UNKNOWN_KEY)).isEqualTo(2.0);
    }

    @Test
    void aKeyRemovedFromTheFileStopsWorkingOnTheNextRequest() {
        assertThat(status(() -> auth.authenticate("Bearer " + KEY_B, CLIENT))).isEqualTo(200);
        keys.set(new ApiKeys(List.of(new ApiKeys.Entry(KeyDigest.of(KEY_A), AccountScope.EVERY_ACCOUNT))));
        assertThat(status(() -> auth.authenticate("Bearer " + KEY_B, CLIENT))).isEqualTo(403);
    }

    @Test
    void withNoKeysEveryKeyIsRefusedAndTheAnswerSaysWhy() {
        keys.set(ApiKeys.NONE);
        assertThatThrownBy(() -> auth.authenticate("Bearer " + KEY_A, CLIENT))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().detail()).contains("no API keys in force"));
    }

    @Test
    void refusalsAreLoggedWithReasonAndClientAtMostOncePerReasonPerIntervalAndNeverWithTheKey() {
        for (int i = 0; i < 5; i++) {
            status(() -> auth.authenticate("Bearer wrong-" + KEY_A, CLIENT));
        }
        assertThat(logs.list)
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("reason=unknown_key")
                        .contains("client=" + CLIENT)
                        .doesNotContain(KEY_A));
        nanos.addAndGet(AuthFailures.LOG_EVERY.toNanos());
        status(() -> auth.authenticate("Bearer wrong-" + KEY_A, CLIENT));
        assertThat(logs.list).hasSize(2);
        assertThat(logs.list.get(1).getFormattedMessage()).contains("4 more refusal(s)");
        assertThat(failures(AuthFailureReason.UNKNOWN_KEY)).isEqualTo(6.0);
    }

    @Test
    void problemsNeverEchoThePresentedKey() {
        for (String header : List.of("Bearer wrong-" + KEY_A, "Basic " + KEY_A, KEY_A)) {
            assertThatThrownBy(() -> auth.authenticate(header, CLIENT))
                    .isInstanceOfSatisfying(
                            ProblemException.class,
                            e -> assertThat(e.problem().toString()).doesNotContain(KEY_A));
        }
    }
}
