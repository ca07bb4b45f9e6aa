package dev.lastseen.app.traffic;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic login traffic: tokens spread over accounts, Zipf popularity, a share of
 * failures and of user sessions, and events that arrive out of order by up to a jitter.
 * Deterministic for a seed.
 */
public final class SyntheticTraffic {
    private static final String[] COLOS = {"fra1", "ams2", "iad3", "sjc1", "sin2", "gru1"};

    /** One token of the synthetic fleet. */
    public record Token(String accountId, String tokenId) {
    }

    public record Settings(int accounts, int tokens, double zipfExponent, double failureRatio, double userSessionRatio,
                           Duration maxJitter, long seed) {
        public static Settings demo() {
            return new Settings(5, 300, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 42);
        }
    }

    private final Settings settings;
    private final List<Token> tokens = new ArrayList<>();
    private final ZipfSampler popularity;
    private final SplittableRandom random;

    public SyntheticTraffic(Settings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
        for (int i = 0; i < settings.tokens(); i++) {
            tokens.add(new Token(String.format("acct-%03d", i % settings.accounts()), String.format("tok-%07d", i)));
        }
        this.popularity = new ZipfSampler(settings.tokens(), settings.zipfExponent());
    }

    public List<Token> tokens() {
        return List.copyOf(tokens);
    }

    /** The registry record of a token, as the token service would publish it. */
    public ServiceToken registryRecord(Token t, Instant createdAt) {
        return ServiceToken.newBuilder().setTokenId(t.tokenId()).setAccountId(t.accountId()).setName("service " + t.tokenId())
                .setClientId("client-" + t.tokenId()).setClientSecretHash("sha256:" + UUID.nameUUIDFromBytes(t.tokenId().getBytes()))
                .setCreatedAt(createdAt).setExpiresAt(null).build();
    }

    /** The next login, dated up to the jitter before {@code now}. */
    public LoginEvent next(Instant now) {
        Token t = tokens.get(popularity.sample(random));
        long jitter = settings.maxJitter().toMillis();
        Instant at = now.minusMillis(jitter == 0 ? 0 : random.nextLong(jitter + 1));
        boolean session = random.nextDouble() < settings.userSessionRatio();
        boolean failed = random.nextDouble() < settings.failureRatio();
        return LoginEvent.newBuilder().setEventId(new UUID(random.nextLong(), random.nextLong()).toString()).setOccurredAt(at)
                .setAccountId(t.accountId()).setCredentialType(session ? CredentialType.USER_SESSION : CredentialType.SERVICE_TOKEN)
                .setTokenId(session ? null : t.tokenId()).setOutcome(failed ? AuthOutcome.FAILURE : AuthOutcome.SUCCESS)
                .setFailureReason(failed ? "invalid_secret" : null).setColo(COLOS[random.nextInt(COLOS.length)])
                .setClientIp("198.51.100." + random.nextInt(1, 255)).build();
    }
}
