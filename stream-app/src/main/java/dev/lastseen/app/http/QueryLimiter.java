package dev.lastseen.app.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * At most {@code max} queries at once from clients, and separately at most {@code max} forwarded
 * by other instances (cheap local reads that must not queue behind slow client queries). One
 * more is refused at once — 503, {@code Retry-After}, problem type {@code overloaded} — rather
 * than queued: a client retrying after a second is better served than one waiting behind a queue
 * of queries that each may take the whole deadline. Counted in
 * {@code lastseen_http_queries_shed_total{from}}; in flight in {@code lastseen_http_queries_in_flight{from}}.
 */
public final class QueryLimiter {
    /** Seconds a shed client should wait before retrying. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final int max;
    private final Semaphore clients;
    private final Semaphore instances;
    private final Counter clientsShed;
    private final Counter instancesShed;

    public QueryLimiter(int max, MeterRegistry meters) {
        this.max = max;
        this.clients = new Semaphore(max);
        this.instances = new Semaphore(max);
        this.clientsShed = shed(meters, "client");
        this.instancesShed = shed(meters, "instance");
        inFlight(meters, "client", clients);
        inFlight(meters, "instance", instances);
    }

    /** Runs one query in a slot, or throws the 503 problem at once when all are taken. */
    public <T> T call(boolean fromInstance, Supplier<T> query) {
        Semaphore slots = fromInstance ? instances : clients;
        if (!slots.tryAcquire()) {
            (fromInstance ? instancesShed : clientsShed).increment();
            throw new ProblemException(
                    Problem.of(
                            "overloaded",
                            "Too many concurrent queries",
                            503,
                            "This instance is answering its maximum of " + max + " concurrent queries"
                                    + (fromInstance ? " forwarded by other instances" : "")
                                    + ". Retry after the Retry-After delay."),
                    Map.of("Retry-After", RETRY_AFTER_SECONDS));
        }
        try {
            return query.get();
        } finally {
            slots.release();
        }
    }

    private static Counter shed(MeterRegistry meters, String from) {
        return Counter.builder("lastseen.http.queries.shed")
                .description("Queries refused with 503 because the concurrency limit was reached")
                .tag("from", from)
                .register(meters);
    }

    private void inFlight(MeterRegistry meters, String from, Semaphore slots) {
        Gauge.builder("lastseen.http.queries.in.flight", slots, s -> max - s.availablePermits())
                .description("Queries being answered now")
                .tag("from", from)
                .register(meters);
    }
}
