package dev.lastseen.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lastseen} command line of the production jar. */
@Command(
        name = "lastseen",
        mixinStandardHelpOptions = true,
        version = "lastseen 0.1.0",
        description = "Per-token last-seen tracking on Kafka Streams.",
        subcommands = {RunCommand.class, ApplyCommand.class, AuditSecretsCommand.class, ApiKeyCommand.class})
public final class LastseenCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The product's command line with its subcommands and error handling, ready to execute; the
     * developer tools add their own subcommands to it.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new LastseenCommand()).setExecutionExceptionHandler((e, cmd, parseResult) -> {
            // A clear one-line message, no stack trace, for configuration and start-up errors.
            cmd.getErr().println("lastseen: " + e.getMessage());
            return 2;
        });
    }
}
