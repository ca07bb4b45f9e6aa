package dev.lastseen.devtools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Every loadgen option is bounded, and an error names the option. No broker is reached: validation comes first. */
class LoadgenCommandTest {
    private static final String[] VALID = {
        "--bootstrap-servers", "127.0.0.1:1", "--registry-url", "http://127.0.0.1:1/apis/ccompat/v7"
    };

    private record Run(int exit, String err) {}

    private static Run run(String... extra) {
        StringWriter err = new StringWriter();
        String[] args = new String[VALID.length + extra.length];
        System.arraycopy(VALID, 0, args, 0, VALID.length);
        System.arraycopy(extra, 0, args, VALID.length, extra.length);
        int exit = new CommandLine(new LoadgenCommand())
                .setErr(new PrintWriter(err))
                .setOut(new PrintWriter(new StringWriter()))
                .execute(args);
        return new Run(exit, err.toString());
    }

    @ParameterizedTest(name = "{0} {1} is rejected naming {0}")
    @CsvSource({
        "--tokens, 0",
        "--tokens, 10000001",
        "--accounts, 0",
        "--zipf, -1",
        "--zipf, 6",
        "--failure-ratio, 1.01",
        "--failure-ratio, -0.1",
        "--user-session-ratio, 2",
        "--jitter, PT2H",
        "--jitter, -PT1S",
        "--rate, 0",
        "--rate, 10000001",
        "--count, -1",
        "--duration, PT0S",
        "--duration, P8D",
        "--compression, brotli",
        "--acks, 2",
    })
    void outOfBoundsOptionIsRejectedNamingIt(String option, String value) {
        Run r = run(option, value);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(option);
    }

    @Test
    void moreAccountsThanTokensIsRejectedNamingAccounts() {
        Run r = run("--tokens", "5", "--accounts", "6");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--accounts");
    }

    @Test
    void theInMemoryRegistryIsRejectedWithAClearMessage() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new LoadgenCommand())
                .setErr(new PrintWriter(err))
                .execute("--bootstrap-servers", "127.0.0.1:1", "--registry-url", "mem:");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--registry-url").contains("mem:").contains("another process");
    }

    @Test
    void blankBootstrapServersAreRejectedNamingTheOption() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new LoadgenCommand())
                .setErr(new PrintWriter(err))
                .execute("--bootstrap-servers", " ", "--registry-url", "http://127.0.0.1:1");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap-servers");
    }

    @Test
    void aNonHttpRegistryUrlIsRejected() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new LoadgenCommand())
                .setErr(new PrintWriter(err))
                .execute("--bootstrap-servers", "127.0.0.1:1", "--registry-url", "ftp://x");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--registry-url");
    }

    @Test
    void rateAndMaxAreExclusiveAndSoAreCountAndDuration() {
        assertThat(run("--rate", "10", "--max").exit()).isEqualTo(2);
        Run r = run("--count", "10", "--duration", "PT1S");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--count").contains("--duration");
    }
}
