package dev.lastseen.app.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the Grafana dashboards in {@code ops/grafana/}: every panel's queries, with Grafana's variables made concrete. */
// Public: the integration tests (ObservabilityIT) query a live Prometheus with the same panels.
public final class Dashboards {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One query of one panel. */
    public record PanelQuery(String dashboard, String panel, String refId, String expr) {
        /** The expression as Prometheus' own API accepts it: Grafana's interval variables replaced. */
        public String promql() {
            return expr.replace("$__rate_interval", "30s")
                    .replace("${__rate_interval}", "30s")
                    .replace("$__interval", "5s")
                    .replace("${__interval}", "5s")
                    .replace("$__range", "5m");
        }
    }

    private Dashboards() {}

    /** The repository's {@code ops/} directory, found from the module's working directory. */
    public static Path opsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("ops/grafana")) && Files.isDirectory(dir.resolve("ops/prometheus"))) {
                return dir.resolve("ops");
            }
        }
        throw new IllegalStateException(
                "no ops/grafana and ops/prometheus above " + Path.of("").toAbsolutePath());
    }

    public static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(opsDir().resolve("grafana"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    public static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    public static List<PanelQuery> queries(Path file) throws IOException {
        JsonNode dashboard = read(file);
        List<PanelQuery> out = new ArrayList<>();
        collect(file.getFileName().toString(), dashboard.path("panels"), out);
        return out;
    }

    /** Every panel with targets, including those nested in rows. */
    public static List<JsonNode> panels(JsonNode panels) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : panels) {
            if (panel.has("targets")) {
                out.add(panel);
            }
            out.addAll(panels(panel.path("panels")));
        }
        return out;
    }

    private static void collect(String dashboard, JsonNode panels, List<PanelQuery> out) {
        for (JsonNode panel : panels(panels)) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new PanelQuery(
                        dashboard,
                        panel.path("title").asText(),
                        target.path("refId").asText(),
                        target.path("expr").asText()));
            }
        }
    }
}
