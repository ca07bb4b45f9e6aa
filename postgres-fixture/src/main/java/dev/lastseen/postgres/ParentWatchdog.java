package dev.lastseen.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny process that makes a server follow the process that started it: it polls the parent's
 * pid once a second and, once the parent is gone however it went (SIGKILL, the OOM killer), stops
 * the postmaster (SIGINT, PostgreSQL's fast shutdown; SIGKILL after 20 s) and deletes a directory.
 * The postmaster runs in its own session (pg_ctl starts it so), so nothing else would stop it. The
 * watchdog runs in a session of its own too, so a Ctrl-C to the parent's terminal does not end it
 * before the parent's own clean stop has run; after a clean stop it finds nothing left to do.
 */
final class ParentWatchdog {
    private static final String SCRIPT = """
            parent=$1; pg=$2; dir=$3
            while kill -0 "$parent" 2>/dev/null; do sleep 1; done
            if kill -0 "$pg" 2>/dev/null; then
              kill -INT "$pg" 2>/dev/null
              i=0
              while kill -0 "$pg" 2>/dev/null && [ "$i" -lt 20 ]; do sleep 1; i=$((i+1)); done
              kill -KILL "$pg" 2>/dev/null
            fi
            rm -rf -- "$dir"
            """;

    private ParentWatchdog() {}

    /** Starts the watchdog; it ends by itself once the parent is gone and it has cleaned up. */
    static Process start(long parentPid, long postmasterPid, Path deleteAfter) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of(
                "/bin/sh",
                "-c",
                SCRIPT,
                "lastseen-postgres-watchdog",
                Long.toString(parentPid),
                Long.toString(postmasterPid),
                deleteAfter.toAbsolutePath().toString()));
        try {
            return new ProcessBuilder(command)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the PostgreSQL watchdog (/bin/sh)", e);
        }
    }
}
