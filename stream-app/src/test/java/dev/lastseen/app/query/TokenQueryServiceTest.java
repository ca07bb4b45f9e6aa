package dev.lastseen.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.lastseen.state.TokenReadView;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Routing decisions of the query service against scripted metadata and real HTTP peers. */
class TokenQueryServiceTest {
    private static final HostInfo SELF = new HostInfo("127.0.0.1", 1);
    private static final QueryRequest CLIENT = new QueryRequest(false, "/v1/accounts/a/tokens/t");
    private static final QueryRequest FORWARDED = new QueryRequest(true, "/v1/accounts/a/tokens/t");
    private static final String CREDENTIAL = "instance-credential-0123456789abcdef";

    private static final long MAX_STALE_LAG = 10;
    private final ScriptedState state = new ScriptedState();
    private final AtomicLong nanos = new AtomicLong();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();

    private TokenQueryService service(Duration deadline) {
        return service(deadline, forwarder(Duration.ofMillis(500), Duration.ofSeconds(2)));
    }

    private static Forwarder forwarder(Duration connect, Duration read) {
        return new Forwarder(
                connect,
                read,
                "http",
                null,
                new PeerSignature(List.of(CREDENTIAL), Clock.systemUTC()),
                Pattern.compile("127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1"));
    }

    private TokenQueryService service(Duration deadline, Forwarder forwarder) {
        return new TokenQueryService(state, SELF, forwarder, deadline, MAX_STALE_LAG, nanos::get, d -> {
            sleeps.add(d);
            nanos.addAndGet(d.toNanos());
        });
    }

    private QueryOutcome<String> query(QueryRequest request) {
        return service(Duration.ofSeconds(1))
                .query("a", request, view -> state.lastStale ? "stale-read" : "fresh-read");
    }

    @AfterEach
    void stopPeers() {
        peers.forEach(Peer::close);
    }

    @Test
    void answersFromTheActiveLocalCopyWithoutForwardingOrWaiting() {
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(), 3));
        assertThat(query(CLIENT)).isEqualTo(new QueryOutcome.Local<>("fresh-read", false, null));
        assertThat(state.views).containsExactly("3:fresh");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void forwardsToTheOwnerOnceMarkedAsForwardedWithASignatureOfTheRequestNotTheCredentialNorTheCallersKey() {
        Peer owner = peer(200, "{\"served_by\":\"owner\"}");
        state.metadata.add(new KeyQueryMetadata(owner.host(), Set.of(), 0));
        QueryOutcome<String> outcome = query(CLIENT);
        assertThat(outcome).isInstanceOfSatisfying(QueryOutcome.Remote.class, r -> {
            assertThat(r.response().status()).isEqualTo(200);
            assertThat(new String(r.response().body(), StandardCharsets.UTF_8)).isEqualTo("{\"served_by\":\"owner\"}");
        });
        assertThat(owner.requests).hasSize(1);
        assertThat(owner.requests.get(0))
                .containsEntry("path", "/v1/accounts/a/tokens/t")
                .containsEntry("forwarded", "1");
        String authorization = owner.requests.get(0).get("authorization");
        assertThat(authorization).startsWith("LastseenSigned t=").doesNotContain(CREDENTIAL);
        assertThat(new PeerSignature(List.of(CREDENTIAL), Clock.systemUTC())
                        .verify(authorization, "GET", Endpoints.authority(owner.host()), "/v1/accounts/a/tokens/t"))
                .as("a signature of that request, for that owner")
                .isTrue();
        assertThat(state.views).isEmpty();
    }

    @Test
    void anOwnerWhoseAddressDoesNotMatchTheAllowedHostsIsNeverSentAnything() {
        Peer owner = peer(200, "{}");
        state.metadata.add(
                new KeyQueryMetadata(new HostInfo("localhost", owner.host().port()), Set.of(), 0));
        assertThat(query(CLIENT)).isInstanceOf(QueryOutcome.Unavailable.class);
        assertThat(owner.requests)
                .as("'localhost' is not in the allowed pattern (loopback addresses only)")
                .isEmpty();
    }

    @Test
    void definiteAnswersOfTheOwnerSuchAs404ArePassedOnWithoutTryingStandbys() {
        Peer owner = peer(404, "{}");
        Peer standby = peer(200, "{}");
        state.metadata.add(new KeyQueryMetadata(owner.host(), Set.of(standby.host()), 0));
        assertThat(query(CLIENT))
                .isInstanceOfSatisfying(
                        QueryOutcome.Remote.class,
                        r -> assertThat(r.response().status()).isEqualTo(404));
        assertThat(standby.requests).isEmpty();
    }

    @Test
    void aForwardedRequestForAPartitionThisInstanceDoesNotHostIsUnavailableAtOnceAndNeverForwardedAgain() {
        Peer owner = peer(200, "{}");
        state.metadata.add(new KeyQueryMetadata(owner.host(), Set.of(), 5));
        QueryOutcome<String> outcome = query(FORWARDED);
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        QueryOutcome.Unavailable.class,
                        u -> assertThat(u.detail())
                                .contains("does not hold the account's state")
                                .doesNotContain("5")
                                .doesNotContain("127.0.0.1"));
        assertThat(owner.requests).isEmpty();
        assertThat(sleeps)
                .as("the forwarding instance keeps the one retry loop")
                .isEmpty();
    }

    @Test
    void aForwardedRequestReachingAStandbyOfAnUnreachableOwnerIsAnsweredFromTheStandbyAsStale() {
        state.metadata.add(new KeyQueryMetadata(deadHost(), Set.of(SELF), 2));
        state.lag = OptionalLong.of(4);
        assertThat(query(FORWARDED)).isEqualTo(new QueryOutcome.Local<>("stale-read", true, 4L));
    }

    @Test
    void anUnreachableOwnerIsReplacedByTheLocalStandbyWhichSaysItIsStaleAndHowFarBehind() {
        state.metadata.add(new KeyQueryMetadata(deadHost(), Set.of(SELF), 2));
        state.lag = OptionalLong.of(7);
        assertThat(query(CLIENT)).isEqualTo(new QueryOutcome.Local<>("stale-read", true, 7L));
        assertThat(state.views).containsExactly("2:stale");
    }

    @Test
    void anUnreachableOrUnavailableOwnerIsReplacedByAStandbyOnAnotherInstance() {
        Peer standby = peer(200, "{\"stale\":true}");
        state.metadata.add(new KeyQueryMetadata(deadHost(), Set.of(standby.host()), 0));
        assertThat(query(CLIENT)).isInstanceOf(QueryOutcome.Remote.class);
        assertThat(standby.requests).hasSize(1);
        assertThat(standby.requests.get(0)).containsEntry("forwarded", "1");

        Peer busyOwner = peer(503, "{}");
        state.metadata.clear();
        state.metadata.add(new KeyQueryMetadata(busyOwner.host(), Set.of(standby.host()), 0));
        assertThat(query(CLIENT)).isInstanceOf(QueryOutcome.Remote.class);
        assertThat(busyOwner.requests).hasSize(1);
        assertThat(standby.requests).hasSize(2);
    }

    @Test
    void anOwnCopyThatIsStillRestoringButNearlyCaughtUpIsReadAsStaleRatherThanFailing() {
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(), 1));
        state.freshUnavailable = true;
        state.lag = OptionalLong.of(3);
        assertThat(query(CLIENT)).isEqualTo(new QueryOutcome.Local<>("stale-read", true, 3L));
    }

    @Test
    void aCopyFurtherBehindThanTheBoundNeverAnswersAndAHotStandbyElsewhereDoes() {
        Peer standby = peer(200, "{\"stale\":true}");
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(standby.host()), 1));
        state.freshUnavailable = true;
        state.lag =
                OptionalLong.of(MAX_STALE_LAG + 1); // restoring from scratch: its "no tokens" would be wrong, not stale
        assertThat(query(CLIENT)).isInstanceOf(QueryOutcome.Remote.class);
        assertThat(standby.requests).hasSize(1);
        assertThat(state.views).isEmpty();
    }

    @Test
    void aStaleCopyWithoutTheValueDoesNotAnswerNotFoundAndAnotherCopyIsAsked() {
        // A copy within the lag bound may still miss a token (a standby just assigned, on a small changelog):
        // its "not found" would be wrong, not stale, so the query goes on to the other standby.
        Peer otherStandby = peer(200, "{\"stale\":true}");
        state.metadata.add(new KeyQueryMetadata(deadHost(), Set.of(SELF, otherStandby.host()), 2));
        state.lag = OptionalLong.of(0);
        QueryOutcome<java.util.Optional<String>> outcome = service(Duration.ofSeconds(1))
                .query("a", CLIENT, view -> java.util.Optional.<String>empty(), java.util.Optional::isPresent);
        assertThat(outcome).isInstanceOf(QueryOutcome.Remote.class);
        assertThat(state.views).containsExactly("2:stale");
        assertThat(otherStandby.requests).hasSize(1);

        // Alone, it makes the query wait and end unavailable rather than answer "not found".
        state.metadata.clear();
        state.metadata.add(new KeyQueryMetadata(deadHost(), Set.of(SELF), 2));
        assertThat(service(Duration.ofMillis(200))
                        .query("a", CLIENT, view -> java.util.Optional.<String>empty(), java.util.Optional::isPresent))
                .isInstanceOf(QueryOutcome.Unavailable.class);
    }

    private QueryOutcome<java.util.Optional<String>> notFound(Duration deadline) {
        return service(deadline)
                .query("a", CLIENT, view -> java.util.Optional.<String>empty(), java.util.Optional::isPresent);
    }

    @Test
    void aCaughtUpActiveCopyAnswersNotFoundAtOnceCheckedAgainstAFreshLagAfterTheRead() {
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(), 3));
        assertThat(notFound(Duration.ofSeconds(1)))
                .isEqualTo(new QueryOutcome.Local<>(java.util.Optional.empty(), false, null));
        assertThat(state.caughtUpChecks).containsExactly("3:cached", "3:fresh");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void anActiveCopyNotCaughtUpNeverAnswersNotFoundAndTheStandbyIsAsked() {
        // During a roll the owner's task may have just been assigned, or be restoring: a token it lacks may exist.
        Peer standby = peer(200, "{\"stale\":true}");
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(standby.host()), 3));
        state.caughtUp.clear();
        state.caughtUp.add(false);
        assertThat(notFound(Duration.ofSeconds(1))).isInstanceOf(QueryOutcome.Remote.class);
        assertThat(standby.requests).hasSize(1);
    }

    @Test
    void anActiveCopyThatStartsRestoringDuringTheReadDoesNotAnswerNotFound() {
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(), 3));
        state.caughtUp.clear();
        state.caughtUp.addAll(List.of(true, false, true, true)); // before, after; then the next attempt: both
        assertThat(notFound(Duration.ofSeconds(1)))
                .isEqualTo(new QueryOutcome.Local<>(java.util.Optional.empty(), false, null));
        assertThat(sleeps).as("the first read was no evidence: it waited once").hasSize(1);
    }

    @Test
    void anActiveCopyThatStaysBehindMakesTheQueryUnavailableAtTheDeadlineNeverNotFound() {
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(), 3));
        state.caughtUp.clear();
        state.caughtUp.add(false);
        assertThat(notFound(Duration.ofMillis(300)))
                .isInstanceOfSatisfying(
                        QueryOutcome.Unavailable.class,
                        u -> assertThat(u.detail()).contains("being restored or moved"));
        assertThat(sleeps.stream().mapToLong(Duration::toMillis).sum()).isEqualTo(300);
        // A token the copy has is an answer whether or not it is caught up.
        state.metadata.clear();
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(), 3));
        assertThat(service(Duration.ofMillis(300))
                        .query("a", CLIENT, view -> java.util.Optional.of("t"), java.util.Optional::isPresent))
                .isEqualTo(new QueryOutcome.Local<>(java.util.Optional.of("t"), false, null));
    }

    @Test
    void aCopyOfUnknownLagDoesNotAnswer() {
        state.metadata.add(new KeyQueryMetadata(deadHost(), Set.of(SELF), 2));
        state.lag = OptionalLong.empty();
        assertThat(query(CLIENT)).isInstanceOf(QueryOutcome.Unavailable.class);
        assertThat(state.views).isEmpty();
    }

    @Test
    void whileTheOwnerIsUnknownItRetriesWithGrowingBackoffThenAnswers() {
        state.metadata.add(KeyQueryMetadata.NOT_AVAILABLE);
        state.metadata.add(KeyQueryMetadata.NOT_AVAILABLE);
        state.metadata.add(KeyQueryMetadata.NOT_AVAILABLE);
        state.metadata.add(new KeyQueryMetadata(SELF, Set.of(), 0));
        assertThat(query(CLIENT)).isEqualTo(new QueryOutcome.Local<>("fresh-read", false, null));
        assertThat(sleeps).containsExactly(Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @Test
    void itGivesUpAtTheDeadlineWithTheReasonAndNeverBusyLoops() {
        state.metadata.add(KeyQueryMetadata.NOT_AVAILABLE); // repeats forever
        QueryOutcome<String> outcome = query(CLIENT);
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        QueryOutcome.Unavailable.class,
                        u -> assertThat(u.detail())
                                .contains("no instance holds the account's state yet")
                                .contains("over 1000 ms"));
        assertThat(sleeps).allSatisfy(d -> assertThat(d).isPositive());
        assertThat(sleeps.stream().mapToLong(Duration::toMillis).sum()).isEqualTo(1000);
        assertThat(sleeps).hasSizeLessThan(10);
    }

    @Test
    void anOwnerThatStaysUnreachableWithNoStandbyIsUnavailableAtTheDeadline() {
        state.metadata.add(new KeyQueryMetadata(deadHost(), Set.of(), 0));
        assertThat(query(CLIENT))
                .isInstanceOfSatisfying(
                        QueryOutcome.Unavailable.class,
                        u -> assertThat(u.detail())
                                .contains("unreachable")
                                .contains("no standby is configured")
                                .doesNotContainPattern("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+")
                                .doesNotContain("partition"));
    }

    @Test
    void anOwnerAdvertisedAtAnIpv6LiteralIsReached() throws IOException {
        Peer owner = new Peer(200, "{\"served_by\":\"[::1]\"}", ipv6Loopback());
        peers.add(owner);
        state.metadata.add(new KeyQueryMetadata(owner.host(), Set.of(), 0));
        assertThat(query(CLIENT))
                .isInstanceOfSatisfying(
                        QueryOutcome.Remote.class,
                        r -> assertThat(r.response().status()).isEqualTo(200));
        assertThat(owner.requests).hasSize(1);
    }

    @Test
    void anOwnerThatRefusesTheInstanceCredentialIsNotPassedOnButTreatedAsUnreachable() {
        Peer owner = peer(403, "{\"type\":\"https://lastseen.dev/problems/forbidden\"}");
        Peer standby = peer(200, "{\"stale\":true}");
        state.metadata.add(new KeyQueryMetadata(owner.host(), Set.of(standby.host()), 0));
        assertThat(query(CLIENT))
                .as("the caller's key was fine; a credential mismatch between instances is not the caller's 403")
                .isInstanceOfSatisfying(
                        QueryOutcome.Remote.class,
                        r -> assertThat(r.response().status()).isEqualTo(200));
        assertThat(standby.requests).hasSize(1);
    }

    @Test
    void withoutAnInstanceCredentialNothingIsForwardedAndTheDetailSaysWhy() {
        Peer owner = peer(200, "{}");
        state.metadata.add(new KeyQueryMetadata(owner.host(), Set.of(), 0));
        QueryOutcome<String> outcome = service(Duration.ofMillis(200), null).query("a", CLIENT, view -> "read");
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        QueryOutcome.Unavailable.class,
                        u -> assertThat(u.detail()).contains("lastseen.query.forward.credential"));
        assertThat(owner.requests).isEmpty();
    }

    @Test
    void aSilentOwnerCannotHoldAQueryPastItsDeadline() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Accepts connections (the kernel does) and never answers: a frozen instance.
            state.metadata.add(new KeyQueryMetadata(new HostInfo("127.0.0.1", silent.getLocalPort()), Set.of(), 0));
            TokenQueryService service = new TokenQueryService(
                    state,
                    SELF,
                    forwarder(Duration.ofSeconds(5), Duration.ofSeconds(30)),
                    Duration.ofMillis(700),
                    MAX_STALE_LAG,
                    System::nanoTime,
                    d -> Thread.sleep(d.toMillis()));
            long start = System.nanoTime();
            assertThat(service.query("a", CLIENT, view -> "read")).isInstanceOf(QueryOutcome.Unavailable.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("the forward got only what was left of the 700 ms deadline, not its 35 s of timeouts")
                    .isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aClientThatIsShuttingDownIsNotWaitedFor() {
        state.metadata.add(KeyQueryMetadata.NOT_AVAILABLE);
        state.state = KafkaStreams.State.PENDING_SHUTDOWN;
        assertThat(query(CLIENT)).isInstanceOf(QueryOutcome.Unavailable.class);
        assertThat(sleeps).isEmpty();
    }

    // ------------------------------------------------------------------ fixtures

    /** Metadata answers in order, the last repeating; views recorded as "partition:fresh|stale". */
    private static final class ScriptedState implements LocalState {
        final Deque<KeyQueryMetadata> metadata = new ArrayDeque<>();
        final List<String> views = new ArrayList<>();
        boolean freshUnavailable;
        boolean lastStale;
        OptionalLong lag = OptionalLong.of(0);
        /** Answers of caughtUp in order, the last repeating. */
        final Deque<Boolean> caughtUp = new ArrayDeque<>(List.of(true));

        final List<String> caughtUpChecks = new ArrayList<>();
        KafkaStreams.State state = KafkaStreams.State.RUNNING;

        @Override
        public boolean caughtUp(int partition, boolean fresh) {
            caughtUpChecks.add(partition + (fresh ? ":fresh" : ":cached"));
            return caughtUp.size() > 1 ? caughtUp.poll() : caughtUp.peek();
        }

        @Override
        public KeyQueryMetadata metadataFor(String accountId) {
            return metadata.size() > 1 ? metadata.poll() : metadata.peek();
        }

        @Override
        public TokenReadView view(int partition, boolean stale) {
            if (!stale && freshUnavailable) {
                throw new InvalidStateStoreException("restoring");
            }
            views.add(partition + (stale ? ":stale" : ":fresh"));
            lastStale = stale;
            return new TokenReadView(null, null);
        }

        @Override
        public OptionalLong lag(int partition) {
            return lag;
        }

        @Override
        public KafkaStreams.State state() {
            return state;
        }
    }

    /** An instance on a loopback port that answers every request with one status and body, recording what it got. */
    private static final class Peer implements AutoCloseable {
        final HttpServer server;
        final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

        Peer(int status, String body) throws IOException {
            this(status, body, InetAddress.getLoopbackAddress());
        }

        Peer(int status, String body, InetAddress address) throws IOException {
            server = HttpServer.create(new InetSocketAddress(address, 0), 0);
            server.createContext("/", exchange -> {
                requests.add(Map.of(
                        "path",
                        exchange.getRequestURI().toString(),
                        "forwarded",
                        String.valueOf(exchange.getRequestHeaders().getFirst(QueryHeaders.FORWARDED)),
                        "authorization",
                        String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))));
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
        }

        HostInfo host() {
            return new HostInfo(
                    server.getAddress().getAddress().getHostAddress(),
                    server.getAddress().getPort());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private Peer peer(int status, String body) {
        try {
            Peer p = new Peer(status, body);
            peers.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress ipv6Loopback() throws IOException {
        byte[] address = new byte[16];
        address[15] = 1;
        return InetAddress.getByAddress(address); // ::1
    }

    /** A loopback port nobody listens on: connections are refused at once, like a killed instance's. */
    private static HostInfo deadHost() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new HostInfo("127.0.0.1", s.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
