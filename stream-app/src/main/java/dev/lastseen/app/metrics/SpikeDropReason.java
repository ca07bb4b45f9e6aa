package dev.lastseen.app.metrics;

/**
 * Why a failed token authentication was not counted by failure-spike detection. The codes are
 * the {@code reason} label of {@code lastseen_spike_failures_dropped_total}, so the label set is
 * bounded by this enum. (The failure is still recorded in the token's usage.)
 */
public enum SpikeDropReason {
    /**
     * Its window had already been judged: the failure arrived after the detector's closing clock
     * passed the window's end plus the grace period.
     */
    WINDOW_CLOSED("window_closed");

    private final String code;

    SpikeDropReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
