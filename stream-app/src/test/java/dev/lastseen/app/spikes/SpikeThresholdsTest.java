package dev.lastseen.app.spikes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.thresholds.LastKnownGood;
import dev.lastseen.app.thresholds.SpikeThreshold;
import dev.lastseen.app.thresholds.ThresholdsLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application's wiring of the thresholds file: what the detector reads, and what a rejection counts. */
class SpikeThresholdsTest {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LastseenMetrics metrics = new LastseenMetrics(meters);

    private LastseenConfig.SpikeSettings settings(Path file) {
        return new LastseenConfig.SpikeSettings(
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                25,
                4.0,
                0.2,
                file == null ? null : file.toString(),
                POLL);
    }

    private LastKnownGood lastKnownGood() {
        return new LastKnownGood(dir.resolve("state").resolve("lastseen").resolve("thresholds.last-known-good.json"));
    }

    /** The one series of lastseen_thresholds_info, as "source sha256". */
    private String inForce() {
        var gauges = meters.find("lastseen.thresholds.info").gauges();
        assertThat(gauges).hasSize(1);
        var id = gauges.iterator().next().getId();
        return id.getTag("source") + " " + id.getTag("sha256");
    }

    private double rejected() {
        return meters.get("lastseen.config.rejected").counter().count();
    }

    private static String file(String account, long minimum) {
        return "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{\"" + account
                + "\":{\"minimum\":" + minimum + ",\"factor\":4.0}}}";
    }

    private void replace(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(dir, ".thresholds", ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void withoutAFileTheConfiguredDefaultAppliesToEveryAccount() {
        try (SpikeThresholds thresholds = SpikeThresholds.start(settings(null), metrics, lastKnownGood())) {
            assertThat(thresholds.get().forAccount("acct-1")).isEqualTo(new SpikeThreshold(25, 4.0));
            assertThat(thresholds.get().size()).isZero();
        }
    }

    @Test
    void aChangedFileIsAppliedAndRejectedFilesAreCountedWhileTheLastGoodStaysInForce() throws IOException {
        Path file = dir.resolve("thresholds.json");
        replace(file, file("acct-1", 50));
        try (SpikeThresholds thresholds = SpikeThresholds.start(settings(file), metrics, lastKnownGood())) {
            assertThat(thresholds.get().forAccount("acct-1").minimum()).isEqualTo(50);
            assertThat(thresholds.get().forAccount("acct-other").minimum()).isEqualTo(20); // the file's default

            replace(file, file("acct-1", 70));
            await().atMost(DEADLINE)
                    .until(() -> thresholds.get().forAccount("acct-1").minimum() == 70);
            assertThat(rejected()).isZero();

            // Ten times the allowed entries (the incident behind the contract): refused, counted, nothing changes.
            StringBuilder huge =
                    new StringBuilder("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{");
            for (int i = 0; i < 10 * ThresholdsLimits.DEFAULT_MAX_ENTRIES; i++) {
                huge.append(i == 0 ? "" : ",").append("\"acct-").append(i).append("\":{\"minimum\":1,\"factor\":1.0}");
            }
            replace(file, huge.append("}}").toString());
            await().atMost(DEADLINE).until(() -> rejected() == 1);
            assertThat(thresholds.get().forAccount("acct-1").minimum()).isEqualTo(70);

            // Half-written: cut off mid-document.
            String good = file("acct-1", 90);
            replace(file, good.substring(0, good.length() / 2));
            await().atMost(DEADLINE).until(() -> rejected() == 2);
            assertThat(thresholds.get().forAccount("acct-1").minimum()).isEqualTo(70);

            // A value over its bound.
            replace(file, file("acct-1", ThresholdsLimits.DEFAULT_MAX_MINIMUM + 1));
            await().atMost(DEADLINE).until(() -> rejected() == 3);
            assertThat(thresholds.get().forAccount("acct-1").minimum()).isEqualTo(70);

            // And a good file after all that is applied: the reloader kept running.
            replace(file, good);
            await().atMost(DEADLINE)
                    .until(() -> thresholds.get().forAccount("acct-1").minimum() == 90);
            assertThat(rejected()).isEqualTo(3);
        }
    }

    @Test
    void aBadFileAtStartUpAfterAGoodOneWasSeenLeavesTheLastGoodThresholdsInForce() throws IOException {
        Path file = dir.resolve("thresholds.json");
        replace(file, file("acct-1", 50));
        String goodVersion;
        try (SpikeThresholds first = SpikeThresholds.start(settings(file), metrics, lastKnownGood())) {
            assertThat(first.get().forAccount("acct-1").minimum()).isEqualTo(50);
            goodVersion = inForce();
            assertThat(goodVersion).startsWith("file ").hasSize("file ".length() + 12);
        }
        // The instance stops; the generator writes a broken file meanwhile (cut off mid-document).
        String next = file("acct-1", 60);
        replace(file, next.substring(0, next.length() / 2));

        SimpleMeterRegistry restartedMeters = new SimpleMeterRegistry();
        LastseenMetrics restarted = new LastseenMetrics(restartedMeters);
        try (SpikeThresholds second = SpikeThresholds.start(settings(file), restarted, lastKnownGood())) {
            // Not the configured default (25): the per-account override of the last good file, and its default.
            assertThat(second.get().forAccount("acct-1").minimum()).isEqualTo(50);
            assertThat(second.get().forAccount("acct-other").minimum()).isEqualTo(20);
            assertThat(restartedMeters.get("lastseen.config.rejected").counter().count())
                    .isEqualTo(1);
            var id = restartedMeters.find("lastseen.thresholds.info").gauge().getId();
            assertThat(id.getTag("source")).isEqualTo("last_known_good");
            assertThat("file " + id.getTag("sha256")).isEqualTo(goodVersion);

            // The generator fixes the file: it is applied and becomes the new last known good.
            replace(file, next);
            await().atMost(DEADLINE)
                    .until(() -> second.get().forAccount("acct-1").minimum() == 60);
            assertThat(restartedMeters
                            .find("lastseen.thresholds.info")
                            .gauge()
                            .getId()
                            .getTag("source"))
                    .isEqualTo("file");
        }
        assertThat(lastKnownGood().load(1 << 20))
                .hasValueSatisfying(saved ->
                        assertThat(new String(saved, StandardCharsets.UTF_8)).isEqualTo(next));
    }

    @Test
    void withoutAFileOrASavedCopyTheDefaultsAreInForceAndSaySo() {
        try (SpikeThresholds thresholds =
                SpikeThresholds.start(settings(dir.resolve("absent.json")), metrics, lastKnownGood())) {
            assertThat(thresholds.get().forAccount("acct-1")).isEqualTo(new SpikeThreshold(25, 4.0));
            assertThat(inForce()).isEqualTo("defaults ");
        }
    }
}
