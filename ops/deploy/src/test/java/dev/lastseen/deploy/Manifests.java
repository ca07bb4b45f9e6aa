package dev.lastseen.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The Kubernetes manifests of ops/k8s, parsed: every document of every YAML file. */
final class Manifests {
    static final Path DIR = Path.of("").toAbsolutePath().resolve("../k8s").normalize();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final Map<String, List<JsonNode>> byFile = new LinkedHashMap<>();

    static Manifests load() throws IOException {
        return load(DIR);
    }

    /** Every YAML file directly in {@code dir} (not in its subdirectories). */
    static Manifests load(Path dir) throws IOException {
        Manifests m = new Manifests();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                List<JsonNode> docs = new ArrayList<>();
                try (MappingIterator<JsonNode> it =
                        YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                    while (it.hasNext()) {
                        JsonNode doc = it.next();
                        if (doc != null && !doc.isEmpty()) {
                            docs.add(doc);
                        }
                    }
                }
                m.byFile.put(f.getFileName().toString(), docs);
            }
        }
        return m;
    }

    List<JsonNode> all() {
        return byFile.values().stream().flatMap(List::stream).toList();
    }

    JsonNode one(String kind) {
        List<JsonNode> found =
                all().stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + " in " + DIR + ", found " + found.size());
        }
        return found.get(0);
    }

    JsonNode named(String kind, String name) {
        return all().stream()
                .filter(d -> kind.equals(d.path("kind").asText())
                        && name.equals(d.path("metadata").path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + DIR));
    }

    List<JsonNode> ofKind(String kind) {
        return all().stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static Map<String, String> textMap(JsonNode object) {
        Map<String, String> m = new LinkedHashMap<>();
        object.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
