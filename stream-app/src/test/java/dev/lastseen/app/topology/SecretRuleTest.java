package dev.lastseen.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.SecretConfig;
import dev.lastseen.serde.InputRejectReason;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per row of the secret rule, with the boundaries of each. */
class SecretRuleTest {
    private static final int MAX = 1024;
    private static final SecretRule DEFAULTS =
            new SecretRule(new LastseenConfig.SecretSettings(16, SecretConfig.DEFAULT_SECRET_PLACEHOLDERS), MAX);
    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @ParameterizedTest
    @ValueSource(
            strings = {
                HEX,
                "sha256:" + HEX,
                "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
                "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$qBzHDWsmc3DNRTyw6yU5Oq0eJ7XQJ8Gt",
                "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
            })
    void realHashesInEveryCommonEncodingAreAccepted(String secret) {
        assertThat(DEFAULTS.violation(secret)).isNull();
    }

    @Test
    void presentMeansNotEmpty() {
        assertThat(DEFAULTS.violation(null)).isEqualTo(InputRejectReason.SECRET_MISSING);
        assertThat(DEFAULTS.violation("")).isEqualTo(InputRejectReason.SECRET_MISSING);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                " ",
                "   ",
                "\t",
                "\n",
                "\r\n",
                "\u0000",
                "\u001b",
                "\u007f",
                "\u0085",
                "\u00a0",
                "\u1680",
                "\u2007",
                "\u200b",
                "\u200d",
                "\u2028",
                "\u202f",
                "\u2060",
                "\u3000",
                "\ufeff",
                "\u00e9",
                "\uff21",
                "\ud83d\udd11",
                "\udc00"
            })
    void onlyVisibleAsciiIsAcceptedAnywhereInTheSecret(String intruder) {
        assertThat(DEFAULTS.violation(intruder)).as("alone").isIn(InputRejectReason.SECRET_NOT_VISIBLE_ASCII);
        assertThat(DEFAULTS.violation(intruder + HEX))
                .as("leading")
                .isEqualTo(InputRejectReason.SECRET_NOT_VISIBLE_ASCII);
        assertThat(DEFAULTS.violation(HEX.substring(0, 20) + intruder + HEX.substring(20)))
                .as("inside")
                .isEqualTo(InputRejectReason.SECRET_NOT_VISIBLE_ASCII);
        assertThat(DEFAULTS.violation(HEX + intruder))
                .as("trailing")
                .isEqualTo(InputRejectReason.SECRET_NOT_VISIBLE_ASCII);
    }

    @Test
    void theMinimumLengthIsInclusiveAndConfigurable() {
        assertThat(DEFAULTS.violation(HEX.substring(0, 15))).isEqualTo(InputRejectReason.SECRET_TOO_SHORT);
        assertThat(DEFAULTS.violation(HEX.substring(0, 16))).isNull();
        SecretRule longer = new SecretRule(new LastseenConfig.SecretSettings(64, List.of()), MAX);
        assertThat(longer.violation(HEX.substring(0, 63))).isEqualTo(InputRejectReason.SECRET_TOO_SHORT);
        assertThat(longer.violation(HEX)).isNull();
    }

    @Test
    void theMaximumLengthIsTheInputBound() {
        assertThat(DEFAULTS.violation("a1".repeat(MAX / 2))).isNull();
        assertThat(DEFAULTS.violation("a1".repeat(MAX / 2) + "b")).isEqualTo(InputRejectReason.SECRET_TOO_LONG);
        assertThat(DEFAULTS.violation(" ".repeat(MAX + 1)))
                .as("the bound is checked before anything is scanned")
                .isEqualTo(InputRejectReason.SECRET_TOO_LONG);
    }

    @Test
    void placeholdersAreComparedCaseInsensitively() {
        SecretRule lenient =
                new SecretRule(new LastseenConfig.SecretSettings(1, SecretConfig.DEFAULT_SECRET_PLACEHOLDERS), MAX);
        for (String p : new String[] {
            "REDACTED", "redacted", "ReDaCtEd", "****", "null", "NULL", "None", "changeme", "[REDACTED]", "n/a"
        }) {
            assertThat(lenient.violation(p)).as(p).isEqualTo(InputRejectReason.SECRET_PLACEHOLDER);
        }
        assertThat(lenient.violation("redacted1")).isNull();
        SecretRule custom =
                new SecretRule(new LastseenConfig.SecretSettings(16, List.of("not-a-real-hash-value")), MAX);
        assertThat(custom.violation("NOT-A-REAL-HASH-VALUE")).isEqualTo(InputRejectReason.SECRET_PLACEHOLDER);
        assertThat(custom.violation("REDACTED_BUT_LONG_ENOUGH"))
                .as("only the configured list")
                .isNull();
    }

    @Test
    void oneCharacterRepeatedIsAPlaceholderWhateverItsLength() {
        assertThat(DEFAULTS.violation("*".repeat(16))).isEqualTo(InputRejectReason.SECRET_PLACEHOLDER);
        assertThat(DEFAULTS.violation("x".repeat(64))).isEqualTo(InputRejectReason.SECRET_PLACEHOLDER);
        assertThat(DEFAULTS.violation("0".repeat(MAX))).isEqualTo(InputRejectReason.SECRET_PLACEHOLDER);
        assertThat(DEFAULTS.violation("*".repeat(15) + "x")).isNull();
    }

    @Test
    void explanationsNameTheRowAndBoundButNeverTheValue() {
        String secret = "s3cr3t-value\u00a0" + HEX;
        InputRejectReason r = DEFAULTS.violation(secret);
        assertThat(DEFAULTS.explain(r, secret))
                .contains("client_secret_hash", "position 12")
                .doesNotContain("s3cr3t", HEX.substring(0, 8));
        assertThat(DEFAULTS.explain(InputRejectReason.SECRET_TOO_SHORT, "abc"))
                .contains(SecretConfig.SECRET_MIN_LENGTH, "16")
                .doesNotContain("abc");
        assertThat(DEFAULTS.explain(InputRejectReason.SECRET_PLACEHOLDER, "REDACTED"))
                .contains(SecretConfig.SECRET_PLACEHOLDERS)
                .doesNotContain("REDACTED");
    }
}
