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
import java.util.function.Predicate;
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
 * <p>The deadline bounds the whole query: a forward gets at most the time that is left.
 *
 * <p>A forwarded request is answered from this instance's state (active, or standby when the
 * owner is down) or reported unavailable at once: it is never forwarded again, so two
 * instances with different views of the assignment cannot bounce a request between them, and
 * the instance that received it from the client keeps the one retry loop. Without an instance
 * credential ({@link Forwarder#of} gives none) this instance forwards nothing.
 *
 * <p>Why a query is unavailable is said twice: to the client without any internal address or
 * partition number, and to the log with both.
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
    private final Forwarder forwarder; // null: forwarding is off
    private final Duration deadline;
    private final long maxStaleLag;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final ConcurrentHashMap<String, Long> lastLogged = new ConcurrentHashMap<>();

    /** @param tls whether the instances' API speaks HTTPS (forwards then do too) */
    public TokenQueryService(LocalState local, HostInfo self, LastseenConfig.QuerySettings settings, boolean tls) {
        this(
                local,
                self,
                Forwarder.of(settings, tls),
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
        // Absence in a copy that may lag is no evidence (a copy just assigned may not have the token yet):
        // a stale copy answers a token it has, and "not found" only comes from an active copy that is caught
        // up with its changelog; otherwise the query asks the other copies, then waits, then is unavailable.
        return query(accountId, request, view -> view.get(accountId, tokenId), Optional::isPresent);
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
        return query(accountId, request, read, value -> true);
    }

    /**
     * As above; {@code staleAnswers} says which values are evidence by themselves: a stale copy answers only
     * with those, and the active copy answers with others only while it is caught up (others: try elsewhere).
     */
    <T> QueryOutcome<T> query(
            String accountId, QueryRequest request, Function<TokenReadView, T> read, Predicate<T> staleAnswers) {
        long start = nanoTime.getAsLong();
        long end = start + deadline.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            Attempt<T> attempt = attempt(accountId, request, read, staleAnswers, end);
            if (attempt.outcome() != null) {
                return attempt.outcome();
            }
            KafkaStreams.State state = local.state();
            long remaining = end - nanoTime.getAsLong();
            if (request.forwarded() || TERMINAL.contains(state) || remaining <= 0) {
                String tried = request.forwarded()
                        ? ""
                        : " (tried " + attempts + " time(s) over "
                                + Duration.ofNanos(nanoTime.getAsLong() - start).toMillis() + " ms)";
                logOnce(
                        "unavailable:" + attempt.internal(),
                        "Query for account {} unavailable: {}",
                        accountId,
                        attempt.internal() + tried + " (streams state " + state + ")",
                        null);
                return new QueryOutcome.Unavailable<>(attempt.reason() + tried);
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

    /**
     * Either an outcome, or why there is none yet: {@code reason} for the client (no internal
     * address, no partition), {@code internal} for the log.
     */
    private record Attempt<T>(QueryOutcome<T> outcome, String reason, String internal) {
        static <T> Attempt<T> done(QueryOutcome<T> outcome) {
            return new Attempt<>(outcome, null, null);
        }

        static <T> Attempt<T> retry(String reason, String internal) {
            return new Attempt<>(null, reason, internal);
        }
    }

    private <T> Attempt<T> attempt(
            String accountId,
            QueryRequest request,
            Function<TokenReadView, T> read,
            Predicate<T> staleAnswers,
            long endNanos) {
        KeyQueryMetadata md = local.metadataFor(accountId);
        if (md == null
                || KeyQueryMetadata.NOT_AVAILABLE.equals(md)
                || md.activeHost() == null
                || md.activeHost().port() < 0) {
            return Attempt.retry(
                    "no instance holds the account's state yet (starting or rebalancing)",
                    "the account's partition has no known owner yet");
        }
        int partition = md.partition();
        HostInfo owner = md.activeHost();
        String ownerProblem;
        String ownerProblemInternal;
        if (self.equals(owner)) {
            Attempt<T> active = readActive(partition, read, staleAnswers);
            if (active != null) {
                return active;
            }
            ownerProblem = "the account's state is being restored or moved";
            ownerProblemInternal = "partition " + partition + " is not queryable on its owner "
                    + Endpoints.authority(self) + " yet, or not caught up (restoring or migrating)";
        } else if (request.forwarded()) {
            Attempt<T> stale = md.standbyHosts().contains(self) ? readStale(partition, read, staleAnswers) : null;
            return stale != null
                    ? stale
                    : Attempt.retry(
                            "the instance asked does not hold the account's state",
                            "instance " + Endpoints.authority(self) + " cannot answer for partition " + partition
                                    + " (owner: " + Endpoints.authority(owner) + ")");
        } else if (forwarder == null) {
            ownerProblem = "another instance holds the account's state, and this one cannot forward queries"
                    + " (no lastseen.query.forward.credential)";
            ownerProblemInternal = "partition " + partition + " is owned by " + Endpoints.authority(owner)
                    + "; forwarding is off: lastseen.query.forward.credential is not set";
        } else {
            try {
                ForwardedResponse answer = forwarder.forward(owner, request.pathAndQuery(), remaining(endNanos));
                if (!answer.unavailable()) {
                    return Attempt.done(new QueryOutcome.Remote<>(answer));
                }
                ownerProblem = "the instance that holds the account's state cannot answer yet";
                ownerProblemInternal =
                        "owner " + Endpoints.authority(owner) + " of partition " + partition + " cannot answer yet";
            } catch (ForwardFailedException e) {
                ownerProblem = "the instance that holds the account's state is unreachable";
                ownerProblemInternal =
                        "owner " + Endpoints.authority(owner) + " of partition " + partition + " is unreachable";
                logOnce(
                        "forward:" + Endpoints.authority(owner),
                        "Forwarding a query to {} failed: {}",
                        Endpoints.authority(owner),
                        e.getMessage(),
                        e.getCause());
            }
        }
        // The owner cannot answer: a copy that is close enough behind can, with an answer that says it is stale.
        if (self.equals(owner) || md.standbyHosts().contains(self)) {
            Attempt<T> stale = readStale(partition, read, staleAnswers);
            if (stale != null) {
                return stale;
            }
        }
        if (request.forwarded()) {
            return Attempt.retry(ownerProblem, ownerProblemInternal);
        }
        for (HostInfo standby : md.standbyHosts()) {
            if (standby.equals(self) || forwarder == null) {
                continue;
            }
            try {
                ForwardedResponse answer = forwarder.forward(standby, request.pathAndQuery(), remaining(endNanos));
                if (!answer.unavailable()) {
                    return Attempt.done(new QueryOutcome.Remote<>(answer));
                }
            } catch (ForwardFailedException e) {
                logOnce(
                        "forward:" + Endpoints.authority(standby),
                        "Forwarding a query to standby {} failed: {}",
                        Endpoints.authority(standby),
                        e.getMessage(),
                        e.getCause());
            }
        }
        String standbys =
                md.standbyHosts().isEmpty() ? " and no standby is configured" : " and no standby could answer";
        return Attempt.retry(ownerProblem + standbys, ownerProblemInternal + standbys);
    }

    private Duration remaining(long endNanos) {
        return Duration.ofNanos(Math.max(0, endNanos - nanoTime.getAsLong()));
    }

    /**
     * The active copy's answer, or null when it cannot give one yet. A value that is no evidence by itself
     * ("not found") counts only from an active copy that is caught up with its changelog before and after
     * the read (running, not restoring): an active task just assigned or still restoring may simply not
     * have the token yet, and its "not found" would be wrong, not late. Not-found answers are rare, so
     * checking them against fresh lags costs little.
     */
    private <T> Attempt<T> readActive(int partition, Function<TokenReadView, T> read, Predicate<T> evidence) {
        boolean caughtUpBefore = local.caughtUp(partition, false);
        T value;
        try {
            value = read.apply(local.view(partition, false));
        } catch (InvalidStateStoreException e) {
            return null;
        }
        if (evidence.test(value) || (caughtUpBefore && local.caughtUp(partition, true))) {
            return Attempt.done(new QueryOutcome.Local<>(value, false, null));
        }
        return null;
    }

    /**
     * This instance's copy of the partition (a standby, or its own active while that restores),
     * or null when it has none or the copy is further behind than the bound — a copy restoring
     * from scratch would answer "no tokens", which is wrong, not stale.
     */
    private <T> Attempt<T> readStale(int partition, Function<TokenReadView, T> read, Predicate<T> staleAnswers) {
        OptionalLong lag = local.lag(partition);
        if (lag.isEmpty() || lag.getAsLong() > maxStaleLag) {
            return null;
        }
        try {
            T value = read.apply(local.view(partition, true));
            if (!staleAnswers.test(value)) {
                return null;
            }
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

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
