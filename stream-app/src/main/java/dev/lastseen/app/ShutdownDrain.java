package dev.lastseen.app;

import dev.lastseen.app.http.Health;
import dev.lastseen.common.Sleeper;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A planned stop that refuses no one: {@code /readyz} turns 503 at once, so load balancers and
 * Kubernetes endpoints stop sending queries, while the API goes on answering for the drain period;
 * only then do the server and Kafka Streams close. Without it, an instance stops listening before
 * anyone can see that it is leaving (connections refused in the half second after SIGTERM).
 */
public final class ShutdownDrain implements Health {
    private static final Logger log = LoggerFactory.getLogger(ShutdownDrain.class);

    private final Health readiness;
    private final Duration drain;
    private final Sleeper sleeper;
    private volatile boolean draining;
    private boolean closed;

    public ShutdownDrain(Health readiness, Duration drain, Sleeper sleeper) {
        this.readiness = readiness;
        this.drain = drain;
        this.sleeper = sleeper;
    }

    @Override
    public boolean isLive() {
        return readiness.isLive();
    }

    @Override
    public boolean isReady() {
        return !draining && readiness.isReady();
    }

    @Override
    public String describe() {
        return draining ? "shutting down (draining), " + readiness.describe() : readiness.describe();
    }

    /**
     * Not ready from now on; answers for the drain period, then closes {@code inOrder}. Once: a second call
     * (the shutdown hook and the command's own close) waits for the first to finish.
     */
    public synchronized void drainThenClose(AutoCloseable... inOrder) {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        if (!drain.isZero()) {
            log.info("Shutting down: /readyz answers 503; the API answers for {} ms more", drain.toMillis());
            try {
                sleeper.sleep(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AutoCloseable c : inOrder) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", c, e.toString());
            }
        }
    }
}
