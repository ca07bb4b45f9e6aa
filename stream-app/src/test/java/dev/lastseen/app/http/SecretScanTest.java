package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The scanner every HTTP test feeds must itself be able to fail. */
class SecretScanTest {
    @Test
    void aRegisteredSecretAnywhereInABodyFailsTheCheckWithoutPrintingIt() {
        String secret = QueryTestKit.secretFor("scan-acct", "scan-token");
        String body = "{\"detail\":\"oops " + secret + " leaked\"}";
        assertThat(SecretScan.find(body)).isEqualTo(secret);
        assertThatThrownBy(() -> SecretScan.check(body, "test"))
                .isInstanceOf(AssertionError.class)
                .hasMessageNotContaining(secret.substring(10));
        assertThat(SecretScan.find("{\"detail\":\"" + secret.substring(0, secret.length() - 1) + "\"}"))
                .isNull();
        assertThat(SecretScan.find(secret.substring(0, 10) + "x" + secret.substring(11)))
                .isNull();
    }
}
