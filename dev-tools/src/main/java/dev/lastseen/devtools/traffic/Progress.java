package dev.lastseen.devtools.traffic;

import java.time.Duration;

/** One progress line of the load generator: total, recent rate, average rate and, when the end is known, an ETA. */
public final class Progress {
    private Progress() {}

    /**
     * @param sent          logins handed to the producer so far
     * @param acked         logins the broker acknowledged so far
     * @param recentPerSec  rate over the last interval
     * @param elapsed       time since the first login
     * @param expectedTotal logins in the whole run, or -1 when unknown
     * @param deadline      time left before the duration ends, or null when no duration
     */
    public static String line(
            long sent, long acked, double recentPerSec, Duration elapsed, long expectedTotal, Duration deadline) {
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        StringBuilder b = new StringBuilder("loadgen: ")
                .append(sent)
                .append(" sent, ")
                .append(acked)
                .append(" acked, ")
                .append(Math.round(recentPerSec))
                .append("/s now, ")
                .append(Math.round(sent / seconds))
                .append("/s avg, ")
                .append(format(elapsed))
                .append(" elapsed");
        Duration eta = null;
        if (expectedTotal >= 0 && recentPerSec > 0) {
            eta = Duration.ofMillis((long) (Math.max(0, expectedTotal - sent) / recentPerSec * 1000));
        }
        if (deadline != null && (eta == null || deadline.compareTo(eta) < 0)) {
            eta = deadline.isNegative() ? Duration.ZERO : deadline;
        }
        if (expectedTotal >= 0) {
            b.append(", ")
                    .append(expectedTotal == 0 ? 100 : Math.min(100, sent * 100 / expectedTotal))
                    .append('%');
        }
        if (eta != null) {
            b.append(", ETA ").append(format(eta));
        }
        return b.toString();
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600
                ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
