package dev.lastseen.app.http;

/**
 * What {@code /healthz} and {@code /readyz} report. The application implements it (its
 * readiness), so the HTTP layer depends on no application class.
 */
public interface Health {
    /** Alive: the process can still make progress (otherwise it should be restarted). */
    boolean isLive();

    /** Ready to answer queries from complete local state. */
    boolean isReady();

    /** One line for the response body and logs. */
    String describe();
}
