package dev.lastseen.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.docs.Markdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ops/RUNBOOK.md has a section for every alert of every rules file under ops/prometheus/rules, and
 * every alert's runbook_url lands on the section that names it (links inside the documents are
 * checked by stream-app's DocumentationTest).
 */
class RunbookTest {
    static final Path OPS = Path.of("").toAbsolutePath().resolve("..").normalize();
    private static final String RUNBOOK_URL_PREFIX = "ops/RUNBOOK.md#";

    @Test
    void everyAlertHasARunbookSectionThatNamesIt() throws IOException {
        Map<String, String> sections = alertSections();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> alert : alerts().entrySet()) {
            if (sections.values().stream().noneMatch(text -> names(text, alert.getKey()))) {
                missing.add(alert.getKey());
            }
        }
        assertThat(sections).as("sections under '## Alerts'").hasSizeGreaterThanOrEqualTo(8);
        assertThat(missing)
                .as("alerts no section of ops/RUNBOOK.md's '## Alerts' names")
                .isEmpty();
    }

    @Test
    void everyRunbookUrlPointsAtTheSectionOfItsAlert() throws IOException {
        Set<String> anchors = Markdown.anchors(Files.readString(OPS.resolve("RUNBOOK.md")));
        Map<String, String> sections = alertSections();
        List<String> wrong = new ArrayList<>();
        int urls = 0;
        for (Map.Entry<String, String> alert : alerts().entrySet()) {
            String url = alert.getValue();
            if (url.isEmpty()) {
                continue;
            }
            urls++;
            String anchor = url.substring(url.indexOf('#') + 1);
            if (!url.startsWith(RUNBOOK_URL_PREFIX)) {
                wrong.add(alert.getKey() + ": " + url + " is not " + RUNBOOK_URL_PREFIX + "<section>");
            } else if (!anchors.contains(anchor)) {
                wrong.add(alert.getKey() + ": " + url + " names no heading of ops/RUNBOOK.md");
            } else if (!names(sections.getOrDefault(anchor, ""), alert.getKey())) {
                wrong.add(alert.getKey() + ": section #" + anchor + " is not an alert section naming it");
            }
        }
        assertThat(urls).as("alerts with a runbook_url").isGreaterThanOrEqualTo(8);
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyAlertSectionNamesAnAlertThatExists() throws IOException {
        Set<String> alerts = alerts().keySet();
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> section : alertSections().entrySet()) {
            if (alerts.stream().noneMatch(a -> names(section.getValue(), a))) {
                stale.add(section.getKey());
            }
        }
        assertThat(stale)
                .as("alert sections of ops/RUNBOOK.md naming no current alert")
                .isEmpty();
    }

    /** Whether a section names an alert as code: `LastseenDown` (not merely a longer name containing it). */
    private static boolean names(String section, String alert) {
        return section.contains("`" + alert + "`");
    }

    /** Every alert of every rules file, with its runbook_url (empty when it has none), in file order. */
    private static Map<String, String> alerts() throws IOException {
        Map<String, String> alerts = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> all = Files.list(OPS.resolve("prometheus/rules"))) {
            files = all.filter(
                            p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
        assertThat(files).as("rules files under ops/prometheus/rules").isNotEmpty();
        for (Path file : files) {
            JsonNode rules = Manifests.YAML.readTree(file.toFile());
            for (JsonNode group : rules.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (rule.has("alert")) {
                        alerts.put(
                                rule.path("alert").asText(),
                                rule.path("annotations").path("runbook_url").asText(""));
                    }
                }
            }
        }
        return alerts;
    }

    /** The '### ' sections under the runbook's '## Alerts', by anchor, each with its text up to the next heading. */
    private static Map<String, String> alertSections() throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        boolean inAlerts = false;
        String anchor = null;
        StringBuilder text = new StringBuilder();
        boolean inCode = false;
        for (String line : Files.readAllLines(OPS.resolve("RUNBOOK.md"))) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            }
            boolean heading = !inCode && line.startsWith("#");
            if (heading && anchor != null) {
                sections.put(anchor, text.toString());
                anchor = null;
            }
            if (heading && line.startsWith("## ")) {
                inAlerts = line.equals("## Alerts");
            } else if (heading && inAlerts && line.startsWith("### ")) {
                anchor = new TreeSet<>(Markdown.anchors(line)).first();
                text.setLength(0);
            } else if (anchor != null) {
                text.append(line).append('\n');
            }
        }
        if (anchor != null) {
            sections.put(anchor, text.toString());
        }
        return sections;
    }
}
