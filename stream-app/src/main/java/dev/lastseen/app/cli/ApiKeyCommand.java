package dev.lastseen.app.cli;

import dev.lastseen.app.access.KeyDigest;
import dev.lastseen.avro.Identifiers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lastseen api-key}: the API key file's tools. */
@Command(
        name = "api-key",
        mixinStandardHelpOptions = true,
        description = "Tools for the API key file (lastseen.api.key.file).",
        subcommands = {ApiKeyCommand.Digest.class})
final class ApiKeyCommand {

    /**
     * {@code lastseen api-key digest --accounts acct-1,acct-2}: reads a key from standard input (never
     * from the command line, where it would land in shell history and the process list) and prints
     * the key file's line for it. The key is never printed.
     */
    @Command(
            name = "digest",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Read an API key from standard input (its first line) and print its line for the API key file:",
                "'sha256:<digest> <accounts>'. Append the line to the file to issue the key; delete it to revoke",
                "the key (both take effect within lastseen.api.key.file.poll.ms, no restart)."
            })
    static final class Digest implements Callable<Integer> {
        /** Bound on what is read from standard input: a key is short. */
        static final int MAX_INPUT_BYTES = 4096;

        @Option(
                names = "--accounts",
                required = true,
                paramLabel = "<ids>|*",
                description = "The accounts the key may read, comma-separated, or '*' for every account (quote it).")
        String accounts;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        InputStream in = System.in;

        @Override
        public Integer call() throws IOException {
            checkAccounts();
            String key = firstLine(in.readNBytes(MAX_INPUT_BYTES));
            if (key.length() < KeyDigest.MIN_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "the key on standard input must be at least " + KeyDigest.MIN_KEY_LENGTH
                                + " visible ASCII characters without spaces; generate one, e.g. 'openssl rand -hex 32'");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(KeyDigest.written(key) + " " + accounts);
            out.flush();
            return 0;
        }

        private void checkAccounts() {
            if (accounts.equals("*")) {
                return;
            }
            for (String account : accounts.split(",", -1)) {
                String problem = Identifiers.problem(account);
                if (problem != null || account.equals("*")) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--accounts must be '*' alone or account ids separated by commas: an account id "
                                    + (problem == null ? "'*' in a list" : problem));
                }
            }
        }

        private static String firstLine(byte[] input) {
            String text = new String(input, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            return (end < 0 ? text : text.substring(0, end)).strip();
        }
    }
}
