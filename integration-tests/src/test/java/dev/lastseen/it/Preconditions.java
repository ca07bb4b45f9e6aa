package dev.lastseen.it;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine that Maven cannot fetch (e.g. Debian's {@code prometheus}).
 * Missing in CI (the {@code CI} environment variable set, as every CI system does): the test
 * fails, saying what to install. Missing on a developer's machine: the test is skipped (Maven's
 * summary counts it, "Skipped: 1" under the class's name) and says why in its report
 * ({@code target/failsafe-reports}) and its output file. Never a silent skip.
 */
public final class Preconditions {
    private Preconditions() {}

    /**
     * @param present whether the precondition holds
     * @param what what is missing, e.g. "prometheus is not on the PATH"
     * @param remedy what to do about it, e.g. "run ops/install-prometheus.sh"
     */
    public static void require(boolean present, String what, String remedy) {
        if (present) {
            return;
        }
        String message = what + "; " + remedy;
        if (inCi()) {
            throw new AssertionError("required in CI: " + message);
        }
        System.err.println("SKIPPED (not in CI): " + message);
        Assumptions.abort(message + " (this test is required in CI)");
    }

    /** Whether this runs in CI: {@code CI} is set to anything but {@code false} or empty. */
    static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }
}
