package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.query.Endpoints;
import dev.lastseen.app.query.LocalState;
import dev.lastseen.app.query.QueryHeaders;
import dev.lastseen.config.HttpServerSettings;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * forwards to the owner. The owner must receive the deployment's instance credential and never
 * the caller's API key; a forwarded marker a client sends is not trusted; over plain HTTP and
 * TLS (a self-signed pair made by the test), on IPv4 and IPv6 loopback and by host name.
 */
class InstanceForwardingTest {
    @RegisterExtension
    static final SelfSignedTls TLS = new SelfSignedTls();

    private static final String CREDENTIAL = "deployment-credential-0123456789abcdef";
    private static final String PATH = "/v1/accounts/acct-1/tokens/tok-1";

    @AutoClose
    private final QueryTestKit kit = new QueryTestKit();

    /** What the owner received: Authorization and the forwarded marker of every /v1 request. */
    private final List<Map<String, String>> ownerSaw = new CopyOnWriteArrayList<>();

    private record Deployment(String receiver, String owner, TestHttp client) {}

    private Deployment start(boolean tls, String host) {
        SecretScan.registerSecret(CREDENTIAL);
        kit.register("acct-1", "tok-1");
        kit.login("acct-1", "tok-1", Instant.parse("2026-11-20T10:00:00Z"), true);
        LastseenConfig.QuerySettings query =
                kit.config().query().withForwarding(CREDENTIAL, tls ? TLS.truststore() : null);
        HttpServerSettings settings = new HttpServerSettings(
                host,
                0,
                HttpServerSettings.NO_MANAGEMENT_PORT,
                HttpServerSettings.Limits.DEFAULTS,
                tls ? TLS.keystore() : null);
        HttpServer owner = kit.serve(
                settings,
                query,
                kit.localState(),
                QueryTestKit.SELF,
                routes -> routes.before(
                        "/v1/*",
                        ctx -> ownerSaw.add(Map.of(
                                "authorization", String.valueOf(ctx.header("Authorization")),
                                "forwarded", String.valueOf(ctx.header(QueryHeaders.FORWARDED))))));
        HostInfo ownerEndpoint = new HostInfo(host, owner.port());
        HttpServer receiver = kit.serve(settings, query, holdsNothing(ownerEndpoint), new HostInfo(host, 1), r -> {});
        String scheme = tls ? "https://" : "http://";
        return new Deployment(
                scheme + Endpoints.authority(host, receiver.port()),
                scheme + Endpoints.authority(host, owner.port()),
                new TestHttp(Duration.ofSeconds(10), tls ? TLS.clientContext() : null));
    }

    @ParameterizedTest(name = "tls={0} host={1}")
    @CsvSource({"false, 127.0.0.1", "true, 127.0.0.1", "false, ::1", "true, ::1", "true, localhost"})
    void theOwnerReceivesTheInstanceCredentialAndNeverTheCallersKey(boolean tls, String host) {
        Deployment d = start(tls, host);

        HttpResponse<String> r = d.client().get(d.receiver() + PATH, QueryTestKit.API_KEY);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("token").path("token_id").asText()).isEqualTo("tok-1");
        assertThat(r.headers().firstValue(QueryHeaders.SERVED_BY)).hasValue("test-instance:7070");
        assertThat(r.headers().firstValue(QueryHeaders.ROUTED_VIA)).hasValue(Endpoints.authority(host, 1));
        assertThat(ownerSaw)
                .containsExactly(Map.of("authorization", "LastseenInstance " + CREDENTIAL, "forwarded", "1"));
        assertThat(ownerSaw.toString()).doesNotContain(QueryTestKit.API_KEY);

        // A listing page (path and query string) goes the same way.
        HttpResponse<String> page =
                d.client().get(d.receiver() + "/v1/accounts/acct-1/tokens?limit=5", QueryTestKit.API_KEY);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(ownerSaw)
                .hasSize(2)
                .allSatisfy(saw -> assertThat(saw.get("authorization")).isEqualTo("LastseenInstance " + CREDENTIAL));
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
        assertThat(ownerSaw)
                .as("forwarded as usual, with the instance credential")
                .hasSize(1);
        assertThat(ownerSaw.get(0)).containsEntry("authorization", "LastseenInstance " + CREDENTIAL);

        // Claiming to be an instance with a wrong credential is neither an instance nor a client.
        HttpResponse<String> forged = d.client()
                .get(
                        d.owner() + PATH,
                        Map.of("Authorization", "LastseenInstance not-the-credential", QueryHeaders.FORWARDED, "1"));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(json(forged).path("type").asText()).isEqualTo(Problem.TYPE_BASE + "unauthenticated");

        // The instance credential is not an API key either.
        HttpResponse<String> asKey = d.client().get(d.owner() + PATH, CREDENTIAL);
        assertThat(asKey.statusCode()).isEqualTo(403);
    }

    @Test
    void whileTheCredentialIsRotatedBothAreAcceptedAndTheFirstIsSent() {
        SecretScan.registerSecret(CREDENTIAL);
        String next = "the-next-deployment-credential-0123456789";
        SecretScan.registerSecret(next);
        ApiKeyAuthenticator rotating = new ApiKeyAuthenticator(List.of(), List.of(next, CREDENTIAL));
        assertThat(rotating.isInstance("LastseenInstance " + next)).isTrue();
        assertThat(rotating.isInstance("LastseenInstance " + CREDENTIAL)).isTrue();
        assertThat(rotating.isInstance("LastseenInstance not-" + CREDENTIAL)).isFalse();
        assertThat(rotating.isInstance("Bearer " + CREDENTIAL))
                .as("only in its own scheme")
                .isFalse();
        assertThat(new ApiKeyAuthenticator(List.of(), List.of()).isInstance("LastseenInstance " + CREDENTIAL))
                .as("no credential configured: no instance is trusted")
                .isFalse();
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
