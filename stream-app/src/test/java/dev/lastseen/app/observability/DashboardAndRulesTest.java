package dev.lastseen.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.http.AuthFailures;
import dev.lastseen.app.http.QueryLimiter;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.applier.ApplierHealth;
import dev.lastseen.applier.ApplierMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fast checks of ops/grafana and ops/prometheus that need no Prometheus (ObservabilityIT runs
 * every query live): the dashboard is well-formed, covers what operators need, and every
 * lastseen_* name it or a rule uses is one the application exports.
 */
class DashboardAndRulesTest {
    private static final Pattern LASTSEEN_NAME = Pattern.compile("\\blastseen_[a-z_]+");

    @Test
    void dashboardPanelsAreWellFormedAndUseTheDatasourceVariable() throws IOException {
        List<Path> files = Dashboards.files();
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            JsonNode dashboard = Dashboards.read(file);
            assertThat(dashboard.path("title").asText()).isNotBlank();
            assertThat(dashboard.path("uid").asText()).isNotBlank();
            assertThat(dashboard.path("schemaVersion").asInt()).isPositive();
            Set<Integer> ids = new HashSet<>();
            List<JsonNode> all = new ArrayList<>();
            dashboard.path("panels").forEach(all::add);
            for (JsonNode panel : all) {
                assertThat(ids.add(panel.path("id").asInt()))
                        .as("unique panel id %s", panel.path("id"))
                        .isTrue();
                JsonNode grid = panel.path("gridPos");
                assertThat(grid.path("x").asInt() + grid.path("w").asInt())
                        .as("%s fits 24 columns", panel.path("title"))
                        .isLessThanOrEqualTo(24);
            }
            for (JsonNode panel : Dashboards.panels(dashboard.path("panels"))) {
                assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                assertThat(panel.path("targets")).isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("refId").asText()).isNotBlank();
                    assertThat(target.path("expr").asText())
                            .as("expr of %s", panel.path("title"))
                            .isNotBlank();
                }
            }
        }
    }

    @Test
    void theDashboardCoversThroughputFreshnessLagDeadLettersSpikesRocksDbJvmAndTheApplier() throws IOException {
        String exprs = String.join(
                "\n", allQueries().stream().map(Dashboards.PanelQuery::expr).toList());
        assertThat(exprs)
                .contains("rate(lastseen_events_total")
                .contains("histogram_quantile(0.5, sum by (le) (rate(lastseen_freshness_seconds_bucket")
                .contains("histogram_quantile(0.99, sum by (le) (rate(lastseen_freshness_seconds_bucket")
                .contains("kafka_consumer_fetch_manager_records_lag")
                .contains("sum by (reason) (rate(lastseen_dlq_records_total")
                .contains("lastseen_auth_failure_spikes_total")
                .contains("lastseen_patches_emitted_total")
                .contains("kafka_stream_state_block_cache_usage")
                .contains("kafka_stream_state_size_all_mem_tables")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_gc_pause_seconds")
                .contains("sum by (outcome) (rate(lastseen_apply_rows_total")
                .contains("lastseen_apply_lag_records")
                .contains("lastseen_apply_freshness_seconds_bucket");
    }

    @Test
    void everyLastseenMetricNamedInDashboardsAndRulesIsExported() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new LastseenMetrics(registry);
        new QueryLimiter(1, registry); // the API's shedding counters
        new AuthFailures(registry); // the API's refused requests
        new ApplierMetrics(registry, new ApplierHealth()); // `lastseen apply`'s meters: its own panels and alerts
        Set<String> exported = new HashSet<>();
        LASTSEEN_NAME.matcher(registry.scrape()).results().forEach(r -> exported.add(r.group()));

        Set<String> used = new HashSet<>();
        allQueries().forEach(q -> LASTSEEN_NAME.matcher(q.expr()).results().forEach(r -> used.add(r.group())));
        try (Stream<Path> rules = Files.list(Dashboards.opsDir().resolve("prometheus/rules"))) {
            for (Path file : rules.toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.trim().startsWith("expr:")
                            || line.trim().startsWith("kafka_")
                            || line.trim().startsWith("or ")) {
                        LASTSEEN_NAME.matcher(line).results().forEach(r -> used.add(r.group()));
                    }
                }
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(exported).containsAll(used);
    }

    private static List<Dashboards.PanelQuery> allQueries() throws IOException {
        List<Dashboards.PanelQuery> queries = new ArrayList<>();
        for (Path file : Dashboards.files()) {
            queries.addAll(Dashboards.queries(file));
        }
        return queries;
    }
}
