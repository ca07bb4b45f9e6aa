package dev.lastseen.app.query;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.common.Backoff;
import dev.lastseen.common.Sleeper;
import dev.lastseen.state.TokenReadView;
import dev.lastseen.state.TokenView;
import dev.lastseen.state.UnusedTokensPage;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers per-account queries from any instance. For each attempt it resolves where the
 * account lives: <b>local</b> (this instance hosts the active copy: read it), <b>remote</b>
 * (forward to the owner, once), or <b>unavailable</b> (no metadata yet, store migrating,
 * owner unreachable). While the owner cannot answer it falls back to a copy at most
 * {@code maxStaleLag} changelog records behind — a standby here or on another instance, or the
 * owner's own copy while it restores — and says so ({@code stale}, lag); failing that it
 * retries with backoff until the configured deadline and then reports why.
 *
 * <p>A forwarded request is answered from this instance's state (active, or standby when the
 * owner is down) or reported unavailable at once: it is never forwarded again, so two
 * instances with different views of the assignment cannot bounce a request between them, and
 * the instance that received it from the client keeps the one retry loop.
 */
public final class TokenQueryService {
    private static final Logger log = LoggerFactory.getLogger(TokenQueryService.class);
    private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(25), Duration.ofMillis(400));
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();
    /** A client in one of these states will not serve again: waiting for it is pointless. */
    private static final Set<KafkaStreams.State> TERMINAL = EnumSet.of(
            KafkaStreams.State.PENDING_SHUTDOWN,
            KafkaStreams.State.NOT_RUNNING,
            KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.ERROR);

    private final LocalState local;
    private final HostInfo self;
    private final Forwarder forwarder;
    private final Duration deadline;
    private final long maxStaleLag;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final ConcurrentHashMap<String, Long> lastLogged = new ConcurrentHashMap<>();

    public TokenQueryService(LocalState local, HostInfo self, LastseenConfig.QuerySettings settings) {
        this(
                local,
                self,
                new Forwarder(settings.forwardConnectTimeout(), settings.forwardReadTimeout()),
                settings.deadline(),
                settings.maxStaleLag(),
                System::nanoTime,
                Sleeper.REAL);
    }

    TokenQueryService(
            LocalState local,
            HostInfo self,
            Forwarder forwarder,
            Duration deadline,
            long maxStaleLag,
            LongSupplier nanoTime,
            Sleeper sleeper) {
        this.local = local;
        this.self = self;
        this.forwarder = forwarder;
        this.deadline = deadline;
        this.maxStaleLag = maxStaleLag;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** One token of an account; an empty value means neither the registry nor the usage group knows it. */
    public QueryOutcome<Optional<TokenView>> token(String accountId, String tokenId, QueryRequest request) {
        return query(accountId, request, view -> view.get(accountId, tokenId));
    }

    /** A page of the account's registered tokens with no successful use at or after {@code unusedSinceMillis}. */
    public QueryOutcome<UnusedTokensPage> unusedSince(
            String accountId,
            long unusedSinceMillis,
            String afterTokenId,
            int limit,
            int scanBudget,
            QueryRequest request) {
        return query(
                accountId,
                request,
                view -> view.unusedSince(accountId, unusedSinceMillis, afterTokenId, limit, scanBudget));
    }

    <T> QueryOutcome<T> query(String accountId, QueryRequest request, Function<TokenReadView, T> read) {
        long start = nanoTime.getAsLong();
        long end = start + deadline.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            Attempt<T> attempt = attempt(accountId, request, read);
            if (attempt.outcome() != null) {
                return attempt.outcome();
            }
            KafkaStreams.State state = local.state();
            long remaining = end - nanoTime.getAsLong();
            if (request.forwarded() || TERMINAL.contains(state) || remaining <= 0) {
                String detail = attempt.reason()
                        + (request.forwarded()
                                ? ""
                                : " (tried " + attempts + " time(s) over "
                                        + Duration.ofNanos(nanoTime.getAsLong() - start)
                                                .toMillis() + " ms)");
                logOnce(
                        "unavailable:" + attempt.reason(),
                        "Query for account {} unavailable: {}",
                        accountId,
                        detail,
                        null);
                return new QueryOutcome.Unavailable<>(detail);
            }
            try {
                sleeper.sleep(min(BACKOFF.delay(attempts - 1), Duration.ofNanos(remaining)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new QueryOutcome.Unavailable<>(
                        "interrupted while waiting for the account's state: " + attempt.reason());
            }
        }
    }

    /** Either an outcome, or why there is none yet. */
    private record Attempt<T>(QueryOutcome<T> outcome, String reason) {
        static <T> Attempt<T> done(QueryOutcome<T> outcome) {
            return new Attempt<>(outcome, null);
        }

        static <T> Attempt<T> retry(String reason) {
            return new Attempt<>(null, reason);
        }
    }

    private <T> Attempt<T> attempt(String accountId, QueryRequest request, Function<TokenReadView, T> read) {
        KeyQueryMetadata md = local.metadataFor(accountId);
        if (md == null
                || KeyQueryMetadata.NOT_AVAILABLE.equals(md)
                || md.activeHost() == null
                || md.activeHost().port() < 0) {
            return Attempt.retry(
                    "the account's partition has no known owner yet (streams state " + local.state() + ")");
        }
        int partition = md.partition();
        HostInfo owner = md.activeHost();
        String ownerProblem;
        if (self.equals(owner)) {
            try {
                return Attempt.done(new QueryOutcome.Local<>(read.apply(local.view(partition, false)), false, null));
            } catch (InvalidStateStoreException e) {
                ownerProblem = "partition " + partition + " is not queryable on its owner " + describe(self)
                        + " yet (restoring or migrating)";
            }
        } else if (request.forwarded()) {
            Attempt<T> stale = md.standbyHosts().contains(self) ? readStale(partition, read) : null;
            return stale != null
                    ? stale
                    : Attempt.retry("instance " + describe(self) + " cannot answer for partition " + partition
                            + " (owner: " + describe(owner) + ")");
        } else {
            try {
                ForwardedResponse answer = forwarder.forward(owner, request.pathAndQuery(), request.authorization());
                if (!answer.unavailable()) {
                    return Attempt.done(new QueryOutcome.Remote<>(answer));
                }
                ownerProblem = "owner " + describe(owner) + " of partition " + partition + " cannot answer yet";
            } catch (ForwardFailedException e) {
                ownerProblem = "owner " + describe(owner) + " of partition " + partition + " is unreachable";
                logOnce(
                        "forward:" + describe(owner),
                        "Forwarding a query to {} failed: {}",
                        describe(owner),
                        e.getMessage(),
                        e.getCause());
            }
        }
        // The owner cannot answer: a copy that is close enough behind can, with an answer that says it is stale.
        if (self.equals(owner) || md.standbyHosts().contains(self)) {
            Attempt<T> stale = readStale(partition, read);
            if (stale != null) {
                return stale;
            }
        }
        if (request.forwarded()) {
            return Attempt.retry(ownerProblem);
        }
        for (HostInfo standby : md.standbyHosts()) {
            if (standby.equals(self)) {
                continue;
            }
            try {
                ForwardedResponse answer = forwarder.forward(standby, request.pathAndQuery(), request.authorization());
                if (!answer.unavailable()) {
                    return Attempt.done(new QueryOutcome.Remote<>(answer));
                }
            } catch (ForwardFailedException e) {
                logOnce(
                        "forward:" + describe(standby),
                        "Forwarding a query to standby {} failed: {}",
                        describe(standby),
                        e.getMessage(),
                        e.getCause());
            }
        }
        return Attempt.retry(ownerProblem
                + (md.standbyHosts().isEmpty() ? " and no standby is configured" : " and no standby could answer"));
    }

    /**
     * This instance's copy of the partition (a standby, or its own active while that restores),
     * or null when it has none or the copy is further behind than the bound — a copy restoring
     * from scratch would answer "no tokens", which is wrong, not stale.
     */
    private <T> Attempt<T> readStale(int partition, Function<TokenReadView, T> read) {
        OptionalLong lag = local.lag(partition);
        if (lag.isEmpty() || lag.getAsLong() > maxStaleLag) {
            return null;
        }
        try {
            T value = read.apply(local.view(partition, true));
            return Attempt.done(new QueryOutcome.Local<>(value, true, lag.getAsLong()));
        } catch (InvalidStateStoreException e) {
            return null;
        }
    }

    /** Logs a recurring condition when it first appears and then at most every 10 s, so failover does not flood the log. */
    private void logOnce(String condition, String format, Object a, Object b, Throwable cause) {
        long now = nanoTime.getAsLong();
        Long before = lastLogged.get(condition);
        if (before != null && now - before < LOG_EVERY_NANOS) {
            return;
        }
        lastLogged.put(condition, now);
        if (cause == null) {
            log.warn(format, a, b);
        } else {
            log.warn(format + " (cause: {})", a, b, cause.toString());
        }
    }

    static String describe(HostInfo h) {
        return h.host() + ":" + h.port();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
