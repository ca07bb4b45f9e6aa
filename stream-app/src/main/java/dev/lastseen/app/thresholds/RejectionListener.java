package dev.lastseen.app.thresholds;

/**
 * Told about every rejected reload. The application wires this to the
 * {@code lastseen_config_rejected_total} counter; {@link ThresholdsRejection#code()}
 * is bounded and may be used as a tag, {@code message} may not (it can name
 * accounts).
 *
 * <p>Called on the reloader's thread; must not block. Exceptions it throws are
 * caught and logged by the reloader.
 */
@FunctionalInterface
public interface RejectionListener {

    void rejected(ThresholdsRejection reason, String message);

    RejectionListener NONE = (reason, message) -> {};
}
