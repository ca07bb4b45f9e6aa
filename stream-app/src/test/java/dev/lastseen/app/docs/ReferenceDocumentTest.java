package dev.lastseen.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.http.AuthFailures;
import dev.lastseen.app.http.QueryLimiter;
import dev.lastseen.app.http.QueryTestKit;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.ApplierHealth;
import dev.lastseen.applier.ApplierMetrics;
import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.config.ConfigSources;
import dev.lastseen.serde.DeadLetterHeaders;
import dev.lastseen.serde.InputRejectReason;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

/**
 * docs/REFERENCE.md says what the product's code says: configuration keys (generated from
 * {@link ConfigLoader#DEFINITION} and {@link ApplierConfigLoader#DEFINITION}), metrics with their labels
 * ({@code run}'s and {@code apply}'s), the Avro records field by field, the
 * dead-letter headers and reasons, the REST routes and problem types. The commands are checked in
 * dev-tools, whose command line has them all.
 */
class ReferenceDocumentTest {
    private static final String TEXT = ReferenceDocument.text();

    @Test
    void theConfigurationTablesAreGeneratedFromTheDefinitions() {
        ReferenceDocument.assertGenerated(Map.of(
                "config",
                configTable(ConfigLoader.DEFINITION),
                "config-apply",
                configTable(ApplierConfigLoader.DEFINITION)));
    }

    @Test
    void everyLastseenMetricIsListedWithItsTypeAndLabels() {
        PrometheusMeterRegistry run = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new LastseenMetrics(run);
        new QueryLimiter(1, run); // the API's shedding counters and in-flight gauges
        new AuthFailures(run); // the API's refused requests by reason
        assertThat(documentedMetrics("metrics")).isEqualTo(metricFamilies(run.scrape()));

        PrometheusMeterRegistry apply = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ApplierMetrics(apply, new ApplierHealth());
        assertThat(documentedMetrics("metrics-apply")).isEqualTo(metricFamilies(apply.scrape()));
    }

    private static Map<String, String> documentedMetrics(String part) {
        Map<String, String> documented = new TreeMap<>();
        for (List<String> row : ReferenceDocument.rows(ReferenceDocument.part(TEXT, "checked", part))) {
            documented.put(row.get(0).replace("`", ""), row.get(1) + " | " + row.get(2));
        }
        assertThat(documented).as("metrics documented in %s", part).isNotEmpty();
        return documented;
    }

    @Test
    void everyRecordIsListedFieldByFieldWithItsType() {
        for (Schema schema : List.of(
                LoginEvent.getClassSchema(),
                ServiceToken.getClassSchema(),
                TokenLastSeen.getClassSchema(),
                AuthFailureSpike.getClassSchema())) {
            List<List<String>> rows =
                    ReferenceDocument.rows(ReferenceDocument.part(TEXT, "checked", "record-" + schema.getName()));
            Map<String, String> documented = new LinkedHashMap<>();
            rows.forEach(r -> documented.put(r.get(0).replace("`", ""), r.get(1)));
            Map<String, String> expected = new LinkedHashMap<>();
            schema.getFields().forEach(f -> expected.put(f.name(), type(f.schema())));
            assertThat(documented)
                    .as("fields of %s, in order", schema.getName())
                    .containsExactlyEntriesOf(expected);
            rows.forEach(r -> assertThat(r.get(2))
                    .as("meaning of %s.%s", schema.getName(), r.get(0))
                    .isNotBlank());
        }
    }

    @Test
    void everyDeadLetterHeaderAndReasonIsListed() throws IllegalAccessException {
        Set<String> headers = new TreeSet<>();
        for (Field f : DeadLetterHeaders.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                headers.add((String) f.get(null));
            }
        }
        assertThat(new TreeSet<>(ReferenceDocument.firstColumn(ReferenceDocument.part(TEXT, "checked", "dlq-headers"))))
                .isEqualTo(headers);
        assertThat(new TreeSet<>(ReferenceDocument.firstColumn(ReferenceDocument.part(TEXT, "checked", "dlq-reasons"))))
                .isEqualTo(Arrays.stream(InputRejectReason.values())
                        .map(InputRejectReason::code)
                        .collect(Collectors.toCollection(TreeSet::new)));
        assertThat(new TreeSet<>(
                        ReferenceDocument.firstColumn(ReferenceDocument.part(TEXT, "checked", "apply-dlq-reasons"))))
                .isEqualTo(Arrays.stream(dev.lastseen.serde.PatchRejectReason.values())
                        .map(dev.lastseen.serde.PatchRejectReason::code)
                        .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void everyRouteIsListed() {
        Set<String> registered = new TreeSet<>();
        try (QueryTestKit kit = new QueryTestKit()) {
            kit.startHttp();
            kit.http().routes().forEach(r -> registered.add(r.method() + " " + r.path()));
        }
        assertThat(registered).isNotEmpty();
        assertThat(new TreeSet<>(ReferenceDocument.firstColumn(ReferenceDocument.part(TEXT, "checked", "routes"))))
                .isEqualTo(registered);
    }

    /** The problem types are the first argument of every {@code Problem.of(...)} in the product's sources. */
    @Test
    void everyProblemTypeIsListed() throws IOException {
        Pattern problem = Pattern.compile("Problem\\.of\\(\\s*\"([a-z-]+)\"");
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ReferenceDocument.ROOT.resolve("stream-app/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = problem.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(new TreeSet<>(
                        ReferenceDocument.firstColumn(ReferenceDocument.part(TEXT, "checked", "problem-types"))))
                .isEqualTo(used);
    }

    // ------------------------------------------------------------------ rendering

    /** One row per key, in definition order: key, environment variable, type, default, valid values, meaning. */
    static String configTable(ConfigDef definition) {
        StringBuilder b = new StringBuilder()
                .append("| key | environment | type | default | valid values | meaning |\n")
                .append("|---|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey k : definition.configKeys().values()) {
            b.append("| `")
                    .append(k.name)
                    .append("` | `")
                    .append(ConfigSources.envName(k.name))
                    .append("` | ")
                    .append(k.type.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ")
                    .append(defaultOf(k))
                    .append(" | ")
                    .append(validValues(k.validator))
                    .append(" | ")
                    .append(k.documentation.replace("|", "\\|"))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey k) {
        if (!k.hasDefault()) {
            return "**required**";
        }
        Object d = k.defaultValue;
        if (d == null) {
            return "none";
        }
        String text = "`" + (d instanceof Password ? "[hidden]" : d) + "`";
        if (k.name.endsWith(".ms") && d instanceof Long ms && ms >= 1_000) {
            text += " (" + human(Duration.ofMillis(ms)) + ")";
        }
        return text;
    }

    private static String human(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + " d";
        }
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
            return d.toMinutes() + " min";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Kafka's validators print {@code [min,...,max]} and {@code [min,...]}: written here as {@code min..max}, {@code ≥ min}. */
    private static String validValues(ConfigDef.Validator validator) {
        if (validator == null) {
            return "";
        }
        String text = validator.toString();
        assertThat(text)
                .as("the validator's description (its toString) is what the reference shows")
                .doesNotContain("$$Lambda")
                .doesNotContainPattern("@[0-9a-f]+$");
        Matcher range = Pattern.compile("\\[([^,]+),\\.\\.\\.(?:,([^\\]]+))?]").matcher(text);
        if (range.matches()) {
            String max = range.group(2);
            return max == null || max.equals(Long.toString(Long.MAX_VALUE))
                    ? "≥ " + range.group(1)
                    : range.group(1) + ".." + max;
        }
        return text;
    }

    /** Family name → "type | `label`, `label`" (histogram bucket bounds {@code le} left out). */
    private static Map<String, String> metricFamilies(String scrape) {
        Map<String, String> types = new TreeMap<>();
        Pattern type = Pattern.compile("(?m)^# TYPE (lastseen_\\w+) (\\w+)$");
        Matcher t = type.matcher(scrape);
        while (t.find()) {
            types.put(t.group(1), t.group(2));
        }
        Map<String, String> families = new TreeMap<>();
        Pattern label = Pattern.compile("([a-zA-Z_]\\w*)=\"");
        types.forEach((name, kind) -> {
            Set<String> labels = new TreeSet<>();
            for (String line : scrape.split("\n")) {
                if (line.startsWith(name + "{") || line.startsWith(name + "_bucket{")) {
                    Matcher l = label.matcher(line.substring(line.indexOf('{'), line.indexOf('}')));
                    while (l.find()) {
                        labels.add(l.group(1));
                    }
                }
            }
            labels.remove("le");
            families.put(
                    name,
                    kind + " | "
                            + (labels.isEmpty()
                                    ? "—"
                                    : labels.stream().map(l -> "`" + l + "`").collect(Collectors.joining(", "))));
        });
        return families;
    }

    /** How the reference writes an Avro type. */
    static String type(Schema s) {
        return switch (s.getType()) {
            case UNION -> {
                List<String> parts = new ArrayList<>();
                boolean nullable = false;
                for (Schema branch : s.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL) {
                        nullable = true;
                    } else {
                        parts.add(type(branch));
                    }
                }
                yield String.join(" or ", parts) + (nullable ? " or null" : "");
            }
            case ENUM -> "enum " + s.getName() + " {" + String.join(", ", s.getEnumSymbols()) + "}";
            default -> {
                LogicalType logical = s.getLogicalType();
                yield logical == null
                        ? s.getType().getName()
                        : logical.getName() + " (" + s.getType().getName() + ")";
            }
        };
    }
}
