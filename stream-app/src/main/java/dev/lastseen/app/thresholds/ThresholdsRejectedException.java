package dev.lastseen.app.thresholds;

import java.util.Objects;

/** A thresholds file was rejected; nothing was built from it. */
public final class ThresholdsRejectedException extends Exception {

    private final ThresholdsRejection reason;

    public ThresholdsRejectedException(ThresholdsRejection reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ThresholdsRejectedException(ThresholdsRejection reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ThresholdsRejection reason() {
        return reason;
    }
}
