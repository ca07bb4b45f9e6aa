package dev.lastseen.devtools.cli;

import dev.lastseen.app.cli.LastseenCommand;
import picocli.CommandLine;

/**
 * The {@code lastseen} command line of the developer jar: the product's commands (such as
 * {@code run}) plus {@code demo}, {@code loadgen} and {@code postgres}, which need the in-process broker,
 * the synthetic traffic and the PostgreSQL server binaries that the production jar does not carry.
 */
public final class DevCommand {
    private DevCommand() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The product's command line with the developer subcommands added. */
    public static CommandLine commandLine() {
        return LastseenCommand.commandLine()
                .addSubcommand(new DemoCommand())
                .addSubcommand(new LoadgenCommand())
                .addSubcommand(new PostgresCommand());
    }
}
