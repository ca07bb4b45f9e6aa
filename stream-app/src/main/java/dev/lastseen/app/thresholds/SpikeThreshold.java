package dev.lastseen.app.thresholds;

/**
 * When a window of authentication failures for one account (or one of its
 * tokens) counts as a spike: more than {@code max(minimum, factor × baseline)}
 * failures, the baseline being the key's moving average over earlier windows.
 *
 * <p>Only the universal invariants are checked here (positive minimum, finite
 * positive factor); the configurable bounds are {@link ThresholdsLimits},
 * enforced by {@link ThresholdsParser} with messages that name the account.
 */
public record SpikeThreshold(long minimum, double factor) {

    /** Built-in default used when no thresholds file is present. */
    public static final SpikeThreshold DEFAULT = new SpikeThreshold(20, 3.0);

    public SpikeThreshold {
        if (minimum < 1) {
            throw new IllegalArgumentException("minimum must be >= 1, was " + minimum);
        }
        if (!Double.isFinite(factor) || factor <= 0.0) {
            throw new IllegalArgumentException("factor must be finite and > 0, was " + factor);
        }
    }
}
