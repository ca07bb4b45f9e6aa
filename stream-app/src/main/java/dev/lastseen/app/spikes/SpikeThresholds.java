package dev.lastseen.app.spikes;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.thresholds.InForce;
import dev.lastseen.app.thresholds.LastKnownGood;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.app.thresholds.ThresholdsParser;
import dev.lastseen.app.thresholds.ThresholdsReloader;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The spike thresholds in force for an instance: the configured default for every account, or,
 * when {@code lastseen.thresholds.file} is set, that file, reloaded by a
 * {@link ThresholdsReloader} whenever it changes. A rejected file (malformed, over a bound,
 * half-written) leaves the last good thresholds in force and counts one
 * {@code lastseen_config_rejected_total}; the reloader logs why. Every applied file is saved as the
 * last known good copy ({@code lastKnownGood}), which is used at start-up when the file is bad or
 * missing; {@code lastseen_thresholds_info} names the version in force.
 */
public final class SpikeThresholds implements Supplier<Thresholds>, AutoCloseable {
    private final Supplier<Thresholds> current;
    private final ThresholdsReloader reloader; // null without a file

    private SpikeThresholds(Supplier<Thresholds> current, ThresholdsReloader reloader) {
        this.current = current;
        this.reloader = reloader;
    }

    /**
     * Loads the file once, synchronously (if configured), then polls it in the background.
     *
     * @param lastKnownGood where the last applied file is kept (next to the instance's state)
     */
    public static SpikeThresholds start(
            LastseenConfig.SpikeSettings settings, LastseenMetrics metrics, LastKnownGood lastKnownGood) {
        Thresholds defaults = FailureSpikeTopology.configuredDefaults(settings);
        if (settings.thresholdsFile() == null || settings.thresholdsFile().isBlank()) {
            metrics.thresholdsInForce(InForce.DEFAULTS.source().code(), null);
            return new SpikeThresholds(() -> defaults, null);
        }
        ThresholdsReloader reloader = new ThresholdsReloader(
                Path.of(settings.thresholdsFile()),
                new ThresholdsParser(),
                defaults,
                settings.thresholdsPollInterval(),
                (reason, message) -> metrics.configRejected(),
                lastKnownGood,
                inForce -> metrics.thresholdsInForce(inForce.source().code(), inForce.sha256()));
        reloader.start();
        return new SpikeThresholds(reloader::current, reloader);
    }

    @Override
    public Thresholds get() {
        return current.get();
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.close();
        }
    }
}
