package dev.lastseen.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lastseen} command line. */
@Command(
        name = "lastseen",
        mixinStandardHelpOptions = true,
        version = "lastseen 0.1.0",
        description = "Per-token last-seen tracking on Kafka Streams.",
        subcommands = {DemoCommand.class, RunCommand.class, ApplyCommand.class, LoadgenCommand.class})
public final class LastseenCommand {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return new CommandLine(new LastseenCommand())
                .setExecutionExceptionHandler((e, cmd, parseResult) -> {
                    // A clear one-line message, no stack trace, for configuration and start-up errors.
                    cmd.getErr().println("lastseen: " + e.getMessage());
                    return 2;
                })
                .execute(args);
    }
}
