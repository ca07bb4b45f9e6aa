package dev.lastseen.it.restart;

import java.util.Map;

/**
 * Settings an experiment adds to every instance of the restart tests ({@code bench/restart.sh --app}):
 * {@code -Dlastseen.it.restart.app=key=value;key=value}, e.g. a Kafka 4.4 setting to compare.
 */
final class Experiment {
    static final String PROPERTY = "lastseen.it.restart.app";

    private Experiment() {}

    /** Puts the experiment's settings into an instance's configuration (none by default). */
    static void apply(Map<String, Object> config) {
        for (String kv : System.getProperty(PROPERTY, "").split(";")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                config.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            } else if (!kv.isBlank()) {
                throw new IllegalArgumentException(PROPERTY + ": expected key=value, got '" + kv + "'");
            }
        }
    }
}
