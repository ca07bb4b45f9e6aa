package dev.lastseen.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.docs.Markdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every alert's runbook_url lands on a section of ops/RUNBOOK.md (links inside the documents are
 * checked by stream-app's DocumentationTest).
 */
class RunbookTest {
    static final Path OPS = Path.of("").toAbsolutePath().resolve("..").normalize();

    @Test
    void everyAlertsRunbookUrlPointsAtASectionOfTheRunbook() throws IOException {
        Set<String> anchors = Markdown.anchors(Files.readString(OPS.resolve("RUNBOOK.md")));
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
}
