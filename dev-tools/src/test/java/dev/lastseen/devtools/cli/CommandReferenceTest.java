package dev.lastseen.devtools.cli;

import dev.lastseen.app.cli.LastseenCommand;
import dev.lastseen.app.docs.ReferenceDocument;
import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The commands part of docs/REFERENCE.md is generated from the developer jar's command line, which
 * has every command: the product's ({@link LastseenCommand}) and the developer tools'.
 */
class CommandReferenceTest {
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:(\\w+)(?::-([^}]*))?}");

    @Test
    void theCommandsPartIsGeneratedFromTheCommandLine() {
        ReferenceDocument.assertGenerated(Map.of("commands", commands()));
    }

    static String commands() {
        Map<String, CommandLine> product = LastseenCommand.commandLine().getSubcommands();
        StringBuilder b = new StringBuilder();
        DevCommand.commandLine()
                .getSubcommands()
                .forEach((name, cmd) -> document(b, name, cmd, product.containsKey(name)));
        b.append("Every command also takes `-h`/`--help` and `-V`/`--version`.\n");
        return b.toString();
    }

    /** One command's heading, description and options, then its own subcommands (e.g. {@code apply migrate}). */
    private static void document(StringBuilder b, String name, CommandLine cmd, boolean inProduct) {
        {
            CommandSpec spec = cmd.getCommandSpec();
            b.append("### `").append(name).append('`');
            if (!inProduct) {
                b.append(" (developer jar only)");
            }
            b.append("\n\n")
                    .append(String.join(" ", spec.usageMessage().description()))
                    .append("\n\n| option | meaning |\n|---|---|\n");
            for (OptionSpec o : spec.options()) {
                if (o.usageHelp() || o.versionHelp() || o.hidden()) {
                    continue;
                }
                b.append("| ")
                        .append(names(o))
                        .append(" | ")
                        .append(o.required() && o.group() == null ? "**required.** " : "")
                        .append(exclusiveWith(o))
                        .append(description(o).replace("|", "\\|"))
                        .append(" |\n");
            }
            b.append('\n');
        }
        cmd.getSubcommands().forEach((sub, subCmd) -> document(b, name + " " + sub, subCmd, inProduct));
    }

    private static String names(OptionSpec o) {
        return Arrays.stream(o.names()).map(n -> "`" + n + "`").collect(Collectors.joining(", "));
    }

    /** Options of an exclusive group ({@code --rate} or {@code --max}) say which others they exclude. */
    private static String exclusiveWith(OptionSpec o) {
        if (o.group() == null || !o.group().exclusive()) {
            return "";
        }
        return "Or "
                + o.group().options().stream()
                        .filter(other -> !other.equals(o))
                        .map(CommandReferenceTest::names)
                        .collect(Collectors.joining(", "))
                + ". ";
    }

    /** The option's description with {@code ${DEFAULT-VALUE}} as the annotation wrote it, not as this machine's environment resolves it. */
    private static String description(OptionSpec o) {
        String text = String.join(" ", o.description());
        String raw = rawDefault(o);
        if (raw != null) {
            Matcher env = ENV_DEFAULT.matcher(raw);
            String shown = env.matches() ? (env.group(2) == null ? "$" + env.group(1) : env.group(2)) : raw;
            text = text.replace("${DEFAULT-VALUE}", shown);
        }
        return text;
    }

    private static String rawDefault(OptionSpec o) {
        if (o.userObject() instanceof AnnotatedElement member) {
            CommandLine.Option option = member.getAnnotation(CommandLine.Option.class);
            if (option != null && !option.defaultValue().equals(CommandLine.Option.NULL_VALUE)) {
                return option.defaultValue();
            }
        }
        return o.defaultValue();
    }
}
