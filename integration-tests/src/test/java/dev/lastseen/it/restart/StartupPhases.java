package dev.lastseen.it.restart;

import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a start went, from the process's own log lines (their {@code HH:mm:ss.SSS} stamps) and the
 * wall-clock time the process was started: JVM and command start (to "Starting with"), the start-up
 * checks (to "Start-up checks passed"), and the group join and restore (to Kafka Streams RUNNING).
 * A figure for the reports, never a pass mark.
 */
final class StartupPhases {
    private static final Pattern STAMP = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");

    private StartupPhases() {}

    /** One line such as "jvm+cli 1.6 s, checks 0.9 s, join+restore 3.1 s", or what could not be found. */
    static String describe(String logSinceStart, LocalTime startedAt) {
        LocalTime configured = first(logSinceStart, "Starting with");
        LocalTime checked = first(logSinceStart, "Start-up checks passed");
        LocalTime running = first(logSinceStart, "Kafka Streams state REBALANCING -> RUNNING");
        if (configured == null || checked == null || running == null) {
            return "start-up phases not found in the log";
        }
        return String.format(
                "jvm+cli %.1f s, checks %.1f s, join+restore %.1f s (to RUNNING)",
                seconds(startedAt, configured), seconds(configured, checked), seconds(checked, running));
    }

    private static double seconds(LocalTime from, LocalTime to) {
        long ms = from.until(to, ChronoUnit.MILLIS);
        return (ms < 0 ? ms + Duration.ofDays(1).toMillis() : ms) / 1000.0;
    }

    private static LocalTime first(String log, String marker) {
        for (String line : log.lines().toList()) {
            if (line.contains(marker)) {
                Matcher m = STAMP.matcher(line);
                if (m.find()) {
                    return LocalTime.parse(m.group(1));
                }
            }
        }
        return null;
    }
}
