package dev.lastseen.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
    @org.junit.jupiter.api.Test
    void credentialsInAUrlAreMasked() {
        org.assertj.core.api.Assertions.assertThat(
                        LogSafe.withoutCredentials("jdbc:postgresql://user:pa55@db:5432/t?sslpassword=k3y&ssl=true"))
                .isEqualTo("jdbc:postgresql://***@db:5432/t?sslpassword=***&ssl=true");
        org.assertj.core.api.Assertions.assertThat(LogSafe.withoutCredentials("http://registry:8081/apis?token=abc"))
                .isEqualTo("http://registry:8081/apis?token=***");
        org.assertj.core.api.Assertions.assertThat(LogSafe.withoutCredentials("jdbc:postgresql://db/t"))
                .isEqualTo("jdbc:postgresql://db/t");
    }

    @Test
    void controlCharactersAreEscapedSoTheTextStaysOnOneLine() {
        assertThat(LogSafe.oneLine("a\nb\rc\td\u0000e\u001bf\u007f", 100))
                .isEqualTo("a\\nb\\rc\\td\\u0000e\\u001bf\\u007f")
                .doesNotContain("\n", "\r");
    }

    @Test
    void longTextIsCutAndSaysHowLongItWas() {
        assertThat(LogSafe.oneLine("x".repeat(1_000), 10)).isEqualTo("xxxxxxxxxx...(1000 chars)");
        assertThat(LogSafe.oneLine("short", 10)).isEqualTo("short");
    }

    @Test
    void unpairedSurrogatesAreEscapedAndPairedOnesKept() {
        String emoji = "\uD83D\uDE00";
        assertThat(LogSafe.oneLine(emoji, 10)).isEqualTo(emoji);
        assertThat(LogSafe.oneLine("a\uD83Db", 10)).isEqualTo("a\\ud83db");
        assertThat(LogSafe.oneLine("a\uDE00", 10)).isEqualTo("a\\ude00");
    }

    @Test
    void quotedEscapesInnerQuotesAndNullIsPrinted() {
        assertThat(LogSafe.quoted("say \"hi\"\n", 50)).isEqualTo("\"say \\\"hi\\\"\\n\"");
        assertThat(LogSafe.oneLine(null, 10)).isEqualTo("null");
    }
}
