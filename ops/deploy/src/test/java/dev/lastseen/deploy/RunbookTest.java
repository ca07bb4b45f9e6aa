package dev.lastseen.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every alert's runbook_url and every in-page link of ops/RUNBOOK.md lands on a section of it. */
class RunbookTest {
    static final Path OPS = Path.of("").toAbsolutePath().resolve("..").normalize();

    /** GitHub's heading anchors: lower-case, punctuation dropped, spaces as dashes. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        for (String line : markdown.split("\n")) {
            if (line.startsWith("#")) {
                String text = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
                anchors.add(text.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    @Test
    void everyAlertsRunbookUrlPointsAtASectionOfTheRunbook() throws IOException {
        Set<String> anchors = anchors(Files.readString(OPS.resolve("RUNBOOK.md")));
        JsonNode rules = Manifests.YAML.readTree(
                OPS.resolve("prometheus/rules/lastseen.rules.yml").toFile());
        Set<String> targets = new TreeSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    String url = rule.path("annotations").path("runbook_url").asText();
                    assertThat(url).as(rule.path("alert").asText()).startsWith("ops/RUNBOOK.md#");
                    targets.add(url.substring(url.indexOf('#') + 1));
                }
            }
        }
        assertThat(targets).hasSizeGreaterThanOrEqualTo(8);
        assertThat(anchors).containsAll(targets);
    }

    @Test
    void inPageLinksOfTheRunbookResolve() throws IOException {
        String runbook = Files.readString(OPS.resolve("RUNBOOK.md"));
        Set<String> anchors = anchors(runbook);
        Matcher m = Pattern.compile("\\]\\(#([^)]+)\\)").matcher(runbook);
        int links = 0;
        while (m.find()) {
            links++;
            assertThat(anchors).contains(m.group(1));
        }
        assertThat(links).isPositive();
    }
}
