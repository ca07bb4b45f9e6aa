package dev.lastseen.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.errors.FailureKind;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.serde.InputRejectReason;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The contract's metrics as Prometheus sees them: names, types, and label sets bounded by enums. */
class LastseenMetricsExportTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LastseenMetrics metrics = new LastseenMetrics(registry);

    @Test
    void everyContractMetricIsExportedUnderItsNameAndTypeBeforeItsFirstEvent() {
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("# TYPE lastseen_events_total counter")
                .contains("# TYPE lastseen_last_seen_advanced_total counter")
                .contains("# TYPE lastseen_patches_emitted_total counter")
                .contains("# TYPE lastseen_dlq_records_total counter")
                .contains("# TYPE lastseen_secret_rejected_total counter")
                .contains("# TYPE lastseen_freshness_seconds histogram")
                .contains("# TYPE lastseen_auth_failure_spikes_total counter")
                .contains("# TYPE lastseen_config_rejected_total counter")
                .contains("# TYPE lastseen_task_failures_total counter")
                .contains("# TYPE lastseen_state_restored_records_total counter")
                .contains("# TYPE lastseen_thresholds_info gauge")
                .contains("# TYPE lastseen_usage_never_seen_expired_total counter")
                .contains("# TYPE lastseen_usage_retired_expired_total counter")
                .contains("# TYPE lastseen_spike_failures_dropped_total counter")
                .contains("# TYPE lastseen_usage_never_seen_evicted_total counter");
        // Every label combination exists at zero, so rates and alerts work from the first scrape.
        assertThat(count(scrape, "^lastseen_events_total\\{"))
                .isEqualTo((long) CredentialType.values().length * AuthOutcome.values().length);
        assertThat(count(scrape, "^lastseen_dlq_records_total\\{")).isEqualTo(InputRejectReason.values().length);
        // Every cause but a bad record (dead-lettered, never a task failure).
        assertThat(count(scrape, "^lastseen_task_failures_total\\{")).isEqualTo(FailureKind.values().length - 1);
        // Exactly one version of the thresholds is in force at any time.
        assertThat(count(scrape, "^lastseen_thresholds_info\\{")).isEqualTo(1);
        assertThat(count(scrape, "^lastseen_secret_rejected_total\\{"))
                .isEqualTo(Arrays.stream(InputRejectReason.values())
                        .filter(InputRejectReason::isSecretRule)
                        .count());
        assertThat(count(scrape, "^lastseen_spike_failures_dropped_total\\{"))
                .isEqualTo(SpikeDropReason.values().length);
    }

    @Test
    void freshnessHasABucketAtTheOneSecondObjectiveAndMeasuresEventTimeToNow() {
        metrics.freshness(10_000, 10_400);
        metrics.freshness(10_000, 12_000);
        metrics.freshness(10_000, 9_000); // clock skew within the allowance: zero, not negative
        String scrape = registry.scrape();
        assertThat(scrape)
                .containsPattern("(?m)^lastseen_freshness_seconds_bucket\\{le=\"1.0\"} 2(\\.0)?$")
                .containsPattern("(?m)^lastseen_freshness_seconds_count 3(\\.0)?$")
                .containsPattern("(?m)^lastseen_freshness_seconds_sum 2\\.4");
    }

    @Test
    void labelValuesComeOnlyFromBoundedEnums() {
        metrics.event(CredentialType.API_TOKEN, AuthOutcome.FAILURE);
        metrics.deadLettered(InputRejectReason.SECRET_PLACEHOLDER);
        metrics.spikeFailureDropped(SpikeDropReason.WINDOW_CLOSED);
        metrics.taskFailed(FailureKind.STATE_STORE);
        metrics.thresholdsInForce("last_known_good", "0123456789ab");
        Pattern label = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");
        for (String line : registry.scrape().split("\n")) {
            if (!line.startsWith("lastseen_")) {
                continue;
            }
            Matcher m = label.matcher(line);
            while (m.find()) {
                String key = m.group(1);
                String value = m.group(2);
                switch (key) {
                    case "credential_type" ->
                        assertThat(Arrays.stream(CredentialType.values()).map(Enum::name))
                                .contains(value);
                    case "outcome" ->
                        assertThat(Arrays.stream(AuthOutcome.values()).map(Enum::name))
                                .contains(value);
                    case "reason" ->
                        assertThat(
                                        line.startsWith("lastseen_spike_failures_dropped")
                                                ? Arrays.stream(SpikeDropReason.values())
                                                        .map(SpikeDropReason::code)
                                                : Arrays.stream(InputRejectReason.values())
                                                        .map(InputRejectReason::code))
                                .contains(value);
                    case "cause" ->
                        assertThat(Arrays.stream(FailureKind.values()).map(FailureKind::code))
                                .contains(value);
                    // One series at a time: the source and a content hash prefix of the thresholds in force.
                    case "source" -> assertThat(value).isIn("file", "last_known_good", "defaults");
                    case "sha256" -> assertThat(value).matches("[0-9a-f]{12}|");
                    case "le" -> assertThat(value).matches("\\+Inf|[0-9.E-]+");
                    default -> throw new AssertionError("unexpected label " + key + " on " + line);
                }
            }
        }
    }

    private static long count(String scrape, String regex) {
        return Pattern.compile(regex, Pattern.MULTILINE)
                .matcher(scrape)
                .results()
                .count();
    }
}
