package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.config.HttpExposure;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.query.Endpoints;
import dev.lastseen.app.query.LocalState;
import dev.lastseen.app.query.PeerSignature;
import dev.lastseen.app.query.QueryHeaders;
import dev.lastseen.config.HttpServerSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two real instances on loopback: the client asks the one that does not hold the account, which
 * forwards to the owner. The owner must receive a signature of that one request — never the
 * deployment's instance credential, never the caller's API key; a forwarded marker a client sends is
 * not trusted, and a signature is good for nothing but its own request on its own instance; over
 * plain HTTP and TLS (a self-signed pair made by the test), on IPv4 and IPv6 loopback and by host name.
 */
class InstanceForwardingTest {
    @RegisterExtension
    static final SelfSignedTls TLS = new SelfSignedTls();

    private static final String CREDENTIAL = "deployment-credential-0123456789abcdef";
    private static final String PATH = "/v1/accounts/acct-1/tokens/tok-1";
    private static final Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.1|::1|localhost");

    @AutoClose
    private final QueryTestKit kit = new QueryTestKit();

    /** What the owner received: Authorization and the forwarded marker of every /v1 request. */
    private final List<Map<String, String>> ownerSaw = new CopyOnWriteArrayList<>();

    /** @param ownerMeters the owner's meters (its refusals are counted there) */
    private record Deployment(String receiver, String owner, TestHttp client, PrometheusMeterRegistry ownerMeters) {}

    private Deployment start(boolean tls, String host) {
        return start(tls, host, LOOPBACK);
    }

    private Deployment start(boolean tls, String host, Pattern allowedHosts) {
        SecretScan.registerSecret(CREDENTIAL);
        kit.register("acct-1", "tok-1");
        kit.login("acct-1", "tok-1", Instant.parse("2026-11-20T10:00:00Z"), true);
        LastseenConfig.QuerySettings query =
                kit.config().query().withForwarding(CREDENTIAL, tls ? TLS.truststore() : null, allowedHosts);
        // The owner is what group metadata says it is: its application.server is where it listens.
        HostInfo ownerEndpoint = new HostInfo(host, freePort());
        PrometheusMeterRegistry[] ownerMeters = new PrometheusMeterRegistry[1];
        HttpServerSettings settings = new HttpServerSettings(
                host,
                0,
                HttpServerSettings.NO_MANAGEMENT_PORT,
                HttpServerSettings.Limits.DEFAULTS,
                tls ? TLS.keystore() : null);
        HttpExposure exposure = new HttpExposure(false, true);
        HttpServer owner = kit.serve(
                settings.withPorts(ownerEndpoint.port(), HttpServerSettings.NO_MANAGEMENT_PORT),
                exposure,
                query,
                QueryTestKit.localState(
                        new KeyQueryMetadata(ownerEndpoint, Set.of(), 0),
                        partition -> kit.readView(),
                        OptionalLong.of(0)),
                ownerEndpoint,
                routes -> routes.before(
                        "/v1/*",
                        ctx -> ownerSaw.add(Map.of(
                                "authorization", String.valueOf(ctx.header("Authorization")),
                                "forwarded", String.valueOf(ctx.header(QueryHeaders.FORWARDED))))));
        ownerMeters[0] = kit.meters();
        HttpServer receiver =
                kit.serve(settings, exposure, query, holdsNothing(ownerEndpoint), new HostInfo(host, 1), r -> {});
        String scheme = tls ? "https://" : "http://";
        return new Deployment(
                scheme + Endpoints.authority(host, receiver.port()),
                scheme + Endpoints.authority(host, owner.port()),
                new TestHttp(Duration.ofSeconds(10), tls ? TLS.clientContext() : null),
                ownerMeters[0]);
    }

    @ParameterizedTest(name = "tls={0} host={1}")
    @CsvSource({"false, 127.0.0.1", "true, 127.0.0.1", "false, ::1", "true, ::1", "true, localhost"})
    void theOwnerReceivesASignatureOfThatRequestAndNeitherTheCredentialNorTheCallersKey(boolean tls, String host) {
        Deployment d = start(tls, host);

        HttpResponse<String> r = d.client().get(d.receiver() + PATH, QueryTestKit.API_KEY);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("token").path("token_id").asText()).isEqualTo("tok-1");
        assertThat(r.headers().firstValue(QueryHeaders.ROUTED_VIA)).hasValue(Endpoints.authority(host, 1));
        assertThat(ownerSaw).singleElement().satisfies(saw -> {
            assertThat(saw).containsEntry("forwarded", "1");
            assertThat(saw.get("authorization")).startsWith("LastseenSigned t=");
        });
        assertThat(ownerSaw.toString()).doesNotContain(QueryTestKit.API_KEY).doesNotContain(CREDENTIAL);

        // A listing page (path and query string) goes the same way.
        HttpResponse<String> page =
                d.client().get(d.receiver() + "/v1/accounts/acct-1/tokens?limit=5", QueryTestKit.API_KEY);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(ownerSaw)
                .hasSize(2)
                .allSatisfy(saw -> assertThat(saw.get("authorization")).startsWith("LastseenSigned t="));
    }

    @Test
    void aCapturedSignatureIsRefusedForAnotherPathAnotherInstanceOrWithoutTheMarker() {
        Deployment d = start(false, "127.0.0.1");
        assertThat(d.client().get(d.receiver() + PATH, QueryTestKit.API_KEY).statusCode())
                .isEqualTo(200);
        String captured = ownerSaw.get(0).get("authorization");

        // Another account's path with the captured signature: refused, counted.
        HttpResponse<String> otherPath = d.client()
                .get(
                        d.owner() + "/v1/accounts/acct-2/tokens/tok-1",
                        Map.of("Authorization", captured, QueryHeaders.FORWARDED, "1"));
        assertThat(otherPath.statusCode()).as(otherPath.body()).isEqualTo(403);
        assertThat(d.ownerMeters()
                        .get("lastseen.api.auth.failures")
                        .tag("reason", "bad_peer_signature")
                        .counter()
                        .count())
                .isEqualTo(1.0);

        // The same path on another instance (the receiver): the signature was made for the owner only.
        HttpResponse<String> otherInstance =
                d.client().get(d.receiver() + PATH, Map.of("Authorization", captured, QueryHeaders.FORWARDED, "1"));
        assertThat(otherInstance.statusCode()).as(otherInstance.body()).isEqualTo(403);

        // A forged signature.
        HttpResponse<String> forged = d.client()
                .get(
                        d.owner() + PATH,
                        Map.of("Authorization", "LastseenSigned t=1, sig=AAAA", QueryHeaders.FORWARDED, "1"));
        assertThat(forged.statusCode()).isEqualTo(403);

        // The instance credential is not an API key either.
        HttpResponse<String> asKey = d.client().get(d.owner() + PATH, CREDENTIAL);
        assertThat(asKey.statusCode()).isEqualTo(403);
    }

    @Test
    void aForwardedMarkerFromAClientIsIgnoredAndTheRequestIsTreatedAsTheClientsOwn() {
        Deployment d = start(false, "127.0.0.1");
        // Trusted, the marker would make the receiver answer from its own state at once: 503, nothing forwarded.
        HttpResponse<String> r = d.client()
                .get(
                        d.receiver() + PATH,
                        Map.of("Authorization", "Bearer " + QueryTestKit.API_KEY, QueryHeaders.FORWARDED, "1"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(ownerSaw).as("forwarded as usual, signed").hasSize(1);
    }

    @Test
    void anOwnerOutsideTheAllowedHostsIsNeverAsked() {
        Deployment d = start(false, "127.0.0.1", Pattern.compile("lastseen-[0-9]+\\.example"));
        HttpResponse<String> r = d.client().get(d.receiver() + PATH, QueryTestKit.API_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(ownerSaw).isEmpty();
    }

    @Test
    void whileTheCredentialIsRotatedBothAreAcceptedTheFirstSignsAndASignatureExpires() {
        String next = "the-next-deployment-credential-0123456789";
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
        PeerSignature rotating = new PeerSignature(List.of(next, CREDENTIAL), clock);
        PeerSignature old = new PeerSignature(List.of(CREDENTIAL), clock);
        PeerSignature stranger = new PeerSignature(List.of("not-" + CREDENTIAL), clock);
        String signedByNew = rotating.sign("GET", "owner:7070", PATH);
        assertThat(rotating.verify(signedByNew, "GET", "owner:7070", PATH)).isTrue();
        assertThat(old.verify(signedByNew, "GET", "owner:7070", PATH))
                .as("the first credential signs")
                .isFalse();
        assertThat(rotating.verify(old.sign("GET", "owner:7070", PATH), "GET", "owner:7070", PATH))
                .isTrue();
        assertThat(rotating.verify(stranger.sign("GET", "owner:7070", PATH), "GET", "owner:7070", PATH))
                .isFalse();
        assertThat(rotating.verify(signedByNew, "POST", "owner:7070", PATH)).isFalse();

        clock.advance(PeerSignature.VALIDITY.plusSeconds(1));
        assertThat(rotating.verify(signedByNew, "GET", "owner:7070", PATH))
                .as("expired")
                .isFalse();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** An instance that holds no partition: every account lives on {@code owner}. */
    private static LocalState holdsNothing(HostInfo owner) {
        return QueryTestKit.localState(
                new KeyQueryMetadata(owner, Set.of(), 0),
                partition -> {
                    throw new InvalidStateStoreException("this instance holds no copy of partition " + partition);
                },
                OptionalLong.empty());
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }
}
