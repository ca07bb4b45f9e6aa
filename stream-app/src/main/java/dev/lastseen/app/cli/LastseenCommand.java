package dev.lastseen.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lastseen} command line. */
@Command(
        name = "lastseen",
        mixinStandardHelpOptions = true,
        version = "lastseen 0.1.0",
        description = "Per-token last-seen tracking on Kafka Streams.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            LoadgenCommand.class,
            AuditSecretsCommand.class,
            RebuildRegistryCommand.class,
            DeleteLegacyTopicsCommand.class
        })
public final class LastseenCommand {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return execute(new CommandLine(new LastseenCommand()), args);
    }

    /** Runs a command with its output and errors going to the given writers (tests, embedding). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return execute(new CommandLine(new LastseenCommand()).setOut(out).setErr(err), args);
    }

    private static int execute(CommandLine commandLine, String... args) {
        return commandLine
                .setExecutionExceptionHandler((e, cmd, parseResult) -> {
                    // A clear one-line message, no stack trace, for configuration and start-up errors.
                    cmd.getErr().println("lastseen: " + e.getMessage());
                    return 2;
                })
                .execute(args);
    }
}
