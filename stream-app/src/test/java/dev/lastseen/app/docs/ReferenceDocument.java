package dev.lastseen.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docs/REFERENCE.md}, the outside surface, as the tests that keep it true read it. Parts of
 * it are delimited by HTML comments that Markdown does not show:
 *
 * <ul>
 *   <li>{@code <!-- generated:NAME -->} ... {@code <!-- end:NAME -->}: written from the code (the
 *       configuration keys, the commands). A test compares them with what the code says now; when
 *       they differ it writes the whole document, regenerated, to {@code target/generated-docs/} and
 *       fails saying which file to copy over the old one.
 *   <li>{@code <!-- checked:NAME -->} ... {@code <!-- end:NAME -->}: written by hand (tables with a
 *       meaning for every row), whose first column a test checks against the code.
 * </ul>
 */
public final class ReferenceDocument {
    /** The repository root: tests run in their module's directory, one level below it. */
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    public static final Path FILE = ROOT.resolve("docs/REFERENCE.md");
    private static final Pattern FIRST_CELL = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|");

    private ReferenceDocument() {}

    public static String text() {
        try {
            return Files.readString(FILE, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE, e);
        }
    }

    /** The text of a delimited part ({@code kind} is "generated" or "checked"), without its markers. */
    public static String part(String text, String kind, String name) {
        String begin = "<!-- " + kind + ":" + name + " -->\n";
        String end = "<!-- end:" + name + " -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertThat(from).as("%s has a part %s ... %s", FILE, begin.strip(), end).isNotNegative();
        assertThat(to)
                .as("%s has the end marker %s after %s", FILE, end, begin.strip())
                .isGreaterThan(from);
        return text.substring(from + begin.length(), to);
    }

    /** The rows of the tables in a part: each row's cells, trimmed, for rows whose first cell is `code`. */
    public static List<List<String>> rows(String part) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : part.split("\n")) {
            Matcher m = FIRST_CELL.matcher(line);
            if (m.find()) {
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1, line.lastIndexOf('|')).split("(?<!\\\\)\\|")) {
                    cells.add(cell.strip());
                }
                rows.add(cells);
            }
        }
        return rows;
    }

    /** The first cells of a part's rows, without their backticks. */
    public static List<String> firstColumn(String part) {
        return rows(part).stream().map(r -> r.get(0).replace("`", "")).toList();
    }

    /**
     * Asserts that every generated part named in {@code expected} holds exactly the given text; if
     * not, writes the document with those parts regenerated to {@code target/generated-docs/REFERENCE.md}.
     */
    public static void assertGenerated(Map<String, String> expected) {
        String text = text();
        String regenerated = text;
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String current = part(text, "generated", e.getKey());
            if (!current.equals(e.getValue())) {
                stale.add(e.getKey());
                regenerated = regenerated.replace(
                        "<!-- generated:" + e.getKey() + " -->\n" + current + "<!-- end:" + e.getKey() + " -->",
                        "<!-- generated:" + e.getKey() + " -->\n" + e.getValue() + "<!-- end:" + e.getKey() + " -->");
            }
        }
        if (!stale.isEmpty()) {
            Path out = Path.of("target", "generated-docs", "REFERENCE.md").toAbsolutePath();
            try {
                Files.createDirectories(out.getParent());
                Files.writeString(out, regenerated, StandardCharsets.UTF_8);
            } catch (IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new AssertionError("docs/REFERENCE.md is out of date in " + stale + " (the code changed). The"
                    + " regenerated document is " + out + ": review it, then cp " + out + " " + FILE);
        }
    }
}
