package dev.lastseen.app.startup;

import dev.lastseen.common.Backoff;
import dev.lastseen.common.Sleeper;
import dev.lastseen.registry.RegistryUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a start-up step that needs the schema registry, waiting for the registry while it is
 * unreachable: each failed attempt is logged with the next delay ({@link #BACKOFF}: 1 s doubling
 * to 30 s), until the step succeeds or the
 * deadline passes. {@code deadline == null} waits forever. Never a crash: the outcome is the
 * step's result or a {@link StartupCheckException} with a one-line message.
 */
public final class RegistryWait {
    static final Backoff BACKOFF = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
    private static final Logger log = LoggerFactory.getLogger(RegistryWait.class);

    private final String registryUrl;
    private final Duration deadline;
    private final Sleeper sleeper;
    private final Supplier<Long> nanoClock;

    public RegistryWait(String registryUrl, Duration deadline) {
        this(registryUrl, deadline, Sleeper.REAL, System::nanoTime);
    }

    RegistryWait(String registryUrl, Duration deadline, Sleeper sleeper, Supplier<Long> nanoClock) {
        this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
        this.deadline = deadline;
        this.sleeper = sleeper;
        this.nanoClock = nanoClock;
    }

    /** Runs {@code step}, retrying it while it throws {@link RegistryUnavailableException}. */
    public <T> T run(String what, Supplier<T> step) {
        long start = nanoClock.get();
        for (int attempt = 1; ; attempt++) {
            try {
                T result = step.get();
                if (attempt > 1) {
                    log.info(
                            "Schema registry at {} reachable after {} attempts ({} s)",
                            registryUrl,
                            attempt,
                            Duration.ofNanos(nanoClock.get() - start).toSeconds());
                }
                return result;
            } catch (RegistryUnavailableException e) {
                Duration waited = Duration.ofNanos(nanoClock.get() - start);
                Duration delay = BACKOFF.delay(attempt - 1);
                if (deadline != null && waited.plus(delay).compareTo(deadline) > 0) {
                    throw new StartupCheckException(
                            "the schema registry at " + registryUrl + " was unreachable for " + waited.toSeconds()
                                    + " s while " + what + " (last error: " + e.getMessage() + "); start it or fix "
                                    + "lastseen.schema.registry.url, or wait longer with --registry-wait (now "
                                    + deadline + ")");
                }
                log.warn(
                        "Schema registry at {} unavailable while {} (attempt {}, {} s so far): {}. Next attempt in {} ms; {}",
                        registryUrl,
                        what,
                        attempt,
                        waited.toSeconds(),
                        e.getMessage(),
                        delay.toMillis(),
                        deadline == null
                                ? "waiting without a deadline (--registry-wait=forever)"
                                : "giving up after " + deadline.toSeconds() + " s (--registry-wait)");
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StartupCheckException(
                            "interrupted while waiting for the schema registry at " + registryUrl);
                }
            }
        }
    }
}
