package dev.lastseen.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's documentation stands alone: every link resolves inside the repository, no
 * document names a path of one machine, ARCHITECTURE.md and the decision records name only classes
 * that exist, every decision record has its parts and is linked from ARCHITECTURE.md, and the README
 * stays a short tour that opens with its two commands.
 */
class DocumentationTest {
    private static final Path ROOT = ReferenceDocument.ROOT;
    private static final int README_MAX_LINES = 200;
    private static final int DECISION_MAX_LINES = 40;
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** Paths of a developer's or CI's machine, which a reader of the repository does not have. */
    private static final List<String> MACHINE_PATHS =
            List.of("/usr/lib/jvm", "/tmp/", "/home/", "/root/", "/work/", "~/", "../shared", "CONTRACT.md");
    /** Classes of libraries that ARCHITECTURE.md names, each loaded by this test so the list stays true. */
    private static final Map<String, String> LIBRARY_CLASSES = Map.of(
            "HostInfo", "org.apache.kafka.streams.state.HostInfo",
            "InvalidStateStoreException", "org.apache.kafka.streams.errors.InvalidStateStoreException",
            "TopologyTestDriver", "org.apache.kafka.streams.TopologyTestDriver");

    @Test
    void everyLinkInTheDocumentationResolvesInsideTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path doc : markdownFiles()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                    continue;
                }
                links++;
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved =
                        file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                String where = ROOT.relativize(doc) + ": " + target;
                if (!resolved.startsWith(ROOT)) {
                    broken.add(where + " leaves the repository");
                } else if (!Files.exists(resolved)) {
                    broken.add(where + " does not exist");
                } else if (anchor != null
                        && resolved.toString().endsWith(".md")
                        && !Markdown.anchors(Files.readString(resolved)).contains(anchor)) {
                    broken.add(where + " names no heading of " + ROOT.relativize(resolved));
                }
            }
        }
        assertThat(links).as("relative links checked").isGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    void noDocumentNamesAPathOfOneMachineOrADocumentOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path doc : markdownFiles()) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                for (String path : MACHINE_PATHS) {
                    if (lines.get(i).contains(path)) {
                        found.add(ROOT.relativize(doc) + ":" + (i + 1) + " names " + path);
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void nothingInTheRepositoryPointsAtTheOldSharedContract() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path f : files(n -> n.matches(".*\\.(java|ya?ml|sh|xml|json|properties|md|sql)")
                && !n.equals(DocumentationTest.class.getSimpleName() + ".java"))) {
            String text = Files.readString(f);
            if (text.contains("CONTRACT.md") || text.contains("../shared/")) {
                found.add(ROOT.relativize(f).toString());
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void architectureNamesOnlyClassesThatExist() throws IOException, ClassNotFoundException {
        for (Map.Entry<String, String> library : LIBRARY_CLASSES.entrySet()) {
            assertThat(Class.forName(library.getValue()).getSimpleName()).isEqualTo(library.getKey());
        }
        Set<String> named = classNamesIn(ROOT.resolve("ARCHITECTURE.md"));
        assertThat(named).as("class names found in ARCHITECTURE.md").hasSizeGreaterThan(30);
        assertThat(undeclared(named))
                .as("named in ARCHITECTURE.md but declared nowhere")
                .isEmpty();
    }

    @Test
    void decisionRecordsNameOnlyClassesThatExist() throws IOException {
        Set<String> declared = declaredTypes();
        for (Path record : decisionRecords()) {
            Set<String> unknown = new TreeSet<>(classNamesIn(record));
            unknown.removeAll(declared);
            unknown.removeAll(LIBRARY_CLASSES.keySet());
            assertThat(unknown)
                    .as("named in " + ROOT.relativize(record) + " but declared nowhere")
                    .isEmpty();
        }
    }

    @Test
    void everyDecisionRecordHasContextDecisionAndConsequencesAndIsLinkedFromArchitecture() throws IOException {
        String architecture = Files.readString(ROOT.resolve("ARCHITECTURE.md"));
        List<Path> records = decisionRecords();
        assertThat(records).as("decision records under docs/decisions").hasSizeGreaterThanOrEqualTo(5);
        for (Path record : records) {
            String name = ROOT.relativize(record).toString().replace('\\', '/');
            List<String> lines = Files.readAllLines(record);
            assertThat(lines.get(0)).as(name + ": a title first").startsWith("# ");
            assertThat(lines)
                    .as(name + ": its three parts, in order")
                    .containsSubsequence("## Context", "## Decision", "## Consequences");
            assertThat(lines.size()).as(name + ": a short record").isLessThanOrEqualTo(DECISION_MAX_LINES);
            assertThat(architecture).as("ARCHITECTURE.md links " + name).contains("](" + name + ")");
        }
    }

    @Test
    void readmeOpensWithItsTwoCommandsAndStaysShort() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        assertThat(readme.subList(0, 5))
                .as("README.md's first lines: the demo and the test suite CI runs")
                .anySatisfy(l -> assertThat(l).startsWith("./lastseen demo"))
                .anySatisfy(l -> assertThat(l).startsWith("ops/test-all.sh"));
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).contains("ops/test-all.sh");
        assertThat(readme.size())
                .as("README.md is a tour: details belong in docs/REFERENCE.md, ops/RUNBOOK.md or ARCHITECTURE.md")
                .isLessThanOrEqualTo(README_MAX_LINES);
    }

    /** Simple class names in a document's code spans, such as `TokenKey`, `Failures.classify` or `ApplyLoop(...)`. */
    private static Set<String> classNamesIn(Path doc) throws IOException {
        Set<String> named = new TreeSet<>();
        Matcher code = Pattern.compile("`([^`\\n]+)`").matcher(Files.readString(doc));
        Pattern className = Pattern.compile("([A-Z][a-z]\\w*)(\\.[A-Z][a-z]\\w*)?(\\.\\w+(\\(\\))?|\\(.*)?");
        while (code.find()) {
            Matcher c = className.matcher(code.group(1));
            if (c.matches()) {
                named.add(c.group(1));
                if (c.group(2) != null) {
                    named.add(c.group(2).substring(1));
                }
            }
        }
        return named;
    }

    private static Set<String> undeclared(Set<String> named) throws IOException {
        Set<String> unknown = new TreeSet<>(named);
        unknown.removeAll(declaredTypes());
        unknown.removeAll(LIBRARY_CLASSES.keySet());
        return unknown;
    }

    private static List<Path> decisionRecords() throws IOException {
        Path dir = ROOT.resolve("docs/decisions");
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .sorted()
                    .toList();
        }
    }

    /** Every class, interface, enum and record declared in the repository's Java sources, and every Avro record. */
    private static Set<String> declaredTypes() throws IOException {
        Pattern java = Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z]\\w*)");
        Pattern avro = Pattern.compile("\"name\"\\s*:\\s*\"([A-Z]\\w*)\"");
        Set<String> declared = new HashSet<>();
        for (Path f : files(p -> p.endsWith(".java") || p.endsWith(".avsc"))) {
            Matcher m = (f.toString().endsWith(".java") ? java : avro).matcher(Files.readString(f));
            while (m.find()) {
                declared.add(m.group(1));
            }
        }
        return declared;
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> docs = files(p -> p.endsWith(".md"));
        assertThat(docs).extracting(d -> ROOT.relativize(d).toString()).contains("README.md", "ARCHITECTURE.md");
        return docs;
    }

    private static List<Path> files(java.util.function.Predicate<String> name) throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> name.test(p.getFileName().toString()))
                    .filter(p -> {
                        String rel = ROOT.relativize(p).toString().replace('\\', '/');
                        return !rel.startsWith(".")
                                && !rel.contains("/target/")
                                && !rel.startsWith("target/")
                                && !rel.contains("/.stack/")
                                && !rel.contains("node_modules/");
                    })
                    .sorted()
                    .toList();
        }
    }
}
