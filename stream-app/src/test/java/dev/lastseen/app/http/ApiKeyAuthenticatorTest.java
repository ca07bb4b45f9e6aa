package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeyAuthenticatorTest {
    private static final String KEY_A = "key-a-0123456789abcdef";
    private static final String KEY_B = "key-b-0123456789abcdef";
    private final ApiKeyAuthenticator auth = new ApiKeyAuthenticator(List.of(KEY_A, KEY_B));

    private static int status(Runnable r) {
        try {
            r.run();
            return 200;
        } catch (ProblemException e) {
            return e.problem().status();
        }
    }

    @Test
    void everyConfiguredKeyIsAcceptedWithTheBearerSchemeInAnyCase() {
        assertThatCode(() -> auth.authenticate("Bearer " + KEY_A)).doesNotThrowAnyException();
        assertThatCode(() -> auth.authenticate("Bearer " + KEY_B)).doesNotThrowAnyException();
        assertThatCode(() -> auth.authenticate("bearer " + KEY_B)).doesNotThrowAnyException();
        assertThatCode(() -> auth.authenticate("BEARER  " + KEY_A + " ")).doesNotThrowAnyException();
    }

    @Test
    void missingOrMalformedHeadersAre401AndWrongKeys403() {
        org.assertj.core.api.Assertions.assertThat(status(() -> auth.authenticate(null)))
                .isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(status(() -> auth.authenticate(" ")))
                .isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(status(() -> auth.authenticate(KEY_A)))
                .isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(status(() -> auth.authenticate("Basic " + KEY_A)))
                .isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(status(() -> auth.authenticate("Bearer " + "k".repeat(2000))))
                .isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(status(() -> auth.authenticate("Bearer " + KEY_A + "x")))
                .isEqualTo(403);
        org.assertj.core.api.Assertions.assertThat(status(() -> auth.authenticate("Bearer " + KEY_A.substring(1))))
                .isEqualTo(403);
    }

    @Test
    void withNoKeysConfiguredEveryKeyIsRefusedAndTheAnswerSaysWhy() {
        assertThatThrownBy(() -> new ApiKeyAuthenticator(List.of()).authenticate("Bearer " + KEY_A))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(
                                        e.problem().detail())
                                .contains("no API keys configured"));
    }

    @Test
    void problemsNeverEchoThePresentedKey() {
        for (String header : List.of("Bearer wrong-" + KEY_A, "Basic " + KEY_A, KEY_A)) {
            assertThatThrownBy(() -> auth.authenticate(header))
                    .isInstanceOfSatisfying(
                            ProblemException.class,
                            e -> org.assertj.core.api.Assertions.assertThat(
                                            e.problem().toString())
                                    .doesNotContain(KEY_A));
        }
    }
}
