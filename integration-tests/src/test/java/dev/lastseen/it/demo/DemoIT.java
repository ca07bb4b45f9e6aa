package dev.lastseen.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.devtools.demo.Demo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The newcomer's first command: live last-seen values from a fresh start, then a clean stop. */
class DemoIT {
    @Test
    void demoPrintsLiveLastSeenValuesWithinAMinuteAndStopsCleanly() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int exit = new Demo(new Demo.Options(200, Duration.ofSeconds(3), Duration.ofSeconds(30), 0), out).run();

        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(Pattern.compile("acct-\\d{3}/tok-\\d{7} last seen 20\\d\\d-\\d\\d-\\d\\dT")
                        .matcher(printed)
                        .find())
                .as("a live last-seen value in:%n%s", printed)
                .isTrue();
        assertThat(Pattern.compile("processed=[1-9]\\d*").matcher(printed).find())
                .isTrue();
        assertThat(Pattern.compile("tokens tracked: [1-9]\\d* with usage, 300 registered")
                        .matcher(printed)
                        .find())
                .isTrue();
        assertThat(Pattern.compile(
                                "postgres: [1-9]\\d* rows in token_last_seen, newest last_seen_at 20\\d\\d-.*applied=[1-9]\\d*")
                        .matcher(printed)
                        .find())
                .as("rows written into PostgreSQL by lastseen apply in:%n%s", printed)
                .isTrue();
        assertThat(printed).contains("stopped cleanly");
    }
}
