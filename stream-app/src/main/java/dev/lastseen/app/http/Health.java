package dev.lastseen.app.http;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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

    /** A health made of three functions (e.g. the applier's, which lives in a module that knows no HTTP). */
    static Health of(BooleanSupplier live, BooleanSupplier ready, Supplier<String> describe) {
        return new Health() {
            @Override
            public boolean isLive() {
                return live.getAsBoolean();
            }

            @Override
            public boolean isReady() {
                return ready.getAsBoolean();
            }

            @Override
            public String describe() {
                return describe.get();
            }
        };
    }
}
