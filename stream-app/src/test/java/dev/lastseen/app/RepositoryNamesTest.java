package dev.lastseen.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.contract.TopicNames;
import dev.lastseen.serde.DeadLetterHeaders;
import dev.lastseen.state.StoreNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One name for one thing, over the sources of every module (main and test), which no class import
 * sees whole: no two classes share a simple name, the product is spelled {@code Lastseen} in class
 * names, and the contract names (topics, stores, dead-letter headers) are spelled only in their
 * constants.
 */
class RepositoryNamesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The one concept whose class names read "last seen" rather than the product: the last-seen guard. */
    private static final String LAST_SEEN_CONCEPT = "LastSeenGuard";

    @Test
    void noTwoClassesShareASimpleName() {
        Map<String, List<Path>> byName = sources("main", "test").stream()
                .collect(Collectors.groupingBy(p -> p.getFileName().toString(), TreeMap::new, Collectors.toList()));
        assertThat(byName).as("source files seen").hasSizeGreaterThan(300);
        assertThat(byName.entrySet().stream()
                        .filter(e -> e.getValue().size() > 1)
                        .map(e -> e.getKey() + " "
                                + e.getValue().stream().map(ROOT::relativize).toList()))
                .as("simple class names used more than once")
                .isEmpty();
    }

    @Test
    void classNamesSpellTheProductLastseen() {
        assertThat(sources("main", "test").stream()
                        .map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("LastSeen") && !n.startsWith(LAST_SEEN_CONCEPT)))
                .as("classes named LastSeen* (the product is Lastseen*)")
                .isEmpty();
    }

    @Test
    void contractNamesAreSpelledOnlyInTheirConstants() {
        Map<String, Class<?>> owners = new TreeMap<>();
        for (Class<?> constants : List.of(TopicNames.class, StoreNames.class, DeadLetterHeaders.class)) {
            constantValues(constants).forEach(v -> owners.put(v, constants));
        }
        assertThat(owners).containsKeys(TopicNames.TOKEN_LAST_SEEN, StoreNames.TOKEN_USAGE, DeadLetterHeaders.REASON);
        List<String> literals = new ArrayList<>();
        for (Path source : sources("main")) {
            String text = read(source);
            owners.forEach((value, owner) -> {
                if (text.contains('"' + value + '"') && !source.endsWith(owner.getSimpleName() + ".java")) {
                    literals.add(ROOT.relativize(source) + ": \"" + value + "\" (use " + owner.getSimpleName() + ")");
                }
            });
        }
        assertThat(literals)
                .as("contract names spelled outside their constants")
                .isEmpty();
    }

    private static List<String> constantValues(Class<?> constants) {
        List<String> values = new ArrayList<>();
        for (Field f : constants.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && f.getType() == String.class) {
                try {
                    values.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }

    /** The Java sources of every module under src/{kind}/java (generated sources and build output excluded). */
    private static List<Path> sources(String... kinds) {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !ROOT.relativize(p).toString().matches("(.*/)?(target|node_modules)/.*"))
                    .filter(p -> Stream.of(kinds).anyMatch(k -> p.toString().contains("/src/" + k + "/java/")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
