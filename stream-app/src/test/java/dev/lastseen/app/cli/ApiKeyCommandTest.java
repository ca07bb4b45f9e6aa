package dev.lastseen.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.access.AccountScope;
import dev.lastseen.app.access.ApiKeyFile;
import dev.lastseen.app.access.ApiKeys;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ApiKeyCommandTest {
    private static final String KEY = "a-new-api-key-0123456789abcdef-0123456789";

    private record Run(int exit, String out, String err) {}

    private static Run digest(String stdin, String... args) {
        ApiKeyCommand.Digest digest = new ApiKeyCommand.Digest();
        digest.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        CommandLine cmd = new CommandLine(digest);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsTheKeyFileLineForAKeyReadFromStandardInputAndNeverTheKey() throws Exception {
        Run run = digest(KEY + "\n", "--accounts", "acct-1,acct-2");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("sha256:").endsWith(" acct-1,acct-2" + System.lineSeparator());
        assertThat(run.out()).doesNotContain(KEY);

        ApiKeys keys = new ApiKeyFile().parse(run.out().getBytes(StandardCharsets.UTF_8));
        assertThat(keys.scopeOf(KEY)).hasValue(AccountScope.of(Set.of("acct-1", "acct-2")));
    }

    @Test
    void everyAccountOnlyWhenAskedForInSoManyWordsAndShortKeysAreRefused() {
        assertThat(digest(KEY, "--accounts", "*").out()).endsWith(" *" + System.lineSeparator());
        assertThat(digest(KEY).exit()).as("--accounts is required").isNotZero();
        assertThat(digest(KEY, "--accounts", "acct-1,*").exit()).isNotZero();
        Run shortKey = digest("short-key", "--accounts", "acct-1");
        assertThat(shortKey.exit()).isNotZero();
        assertThat(shortKey.err()).contains("at least 32").doesNotContain("short-key");
        assertThat(digest(KEY, "--accounts", "acct-1", KEY).exit())
                .as("no key on the command line")
                .isNotZero();
    }
}
