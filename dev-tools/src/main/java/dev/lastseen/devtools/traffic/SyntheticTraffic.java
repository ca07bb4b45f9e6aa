package dev.lastseen.devtools.traffic;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic login traffic: tokens spread over accounts, Zipf popularity, a share of
 * failures and of user sessions, and events that arrive out of order by up to a jitter.
 * Deterministic for a seed.
 *
 * <p>The fleet is never materialised: token {@code i} is computed from its index, so ten
 * million tokens cost the Zipf table (8 bytes a token) and nothing more. Token {@code i}
 * belongs to account {@code i mod accounts}; rank 0 is the most popular token.
 */
public final class SyntheticTraffic {
    /** Largest fleet: the Zipf table is 8 bytes a token (80 MB here). */
    public static final int MAX_TOKENS = 10_000_000;

    public static final int MAX_ACCOUNTS = 1_000_000;
    /** Largest out-of-order jitter: the application's clock-skew bound is minutes, not days. */
    public static final Duration MAX_JITTER = Duration.ofHours(1);

    private static final String[] COLOS = {"fra1", "ams2", "iad3", "sjc1", "sin2", "gru1"};

    /** One token of the synthetic fleet. */
    public record Token(String accountId, String tokenId) {}

    /**
     * @param accounts         accounts the tokens are spread over (1..{@value #MAX_ACCOUNTS}, at most {@code tokens})
     * @param tokens           fleet size (1..{@value #MAX_TOKENS})
     * @param zipfExponent     popularity skew: 0 is uniform, around 1 is typical (0..5)
     * @param failureRatio     share of logins that fail (0..1)
     * @param userSessionRatio share of logins that are user sessions, not tokens (0..1)
     * @param maxJitter        events are dated up to this much before "now" (0..1 h)
     * @param seed             same seed, same traffic
     */
    public record Settings(
            int accounts,
            int tokens,
            double zipfExponent,
            double failureRatio,
            double userSessionRatio,
            Duration maxJitter,
            long seed) {
        public Settings {
            if (tokens < 1 || tokens > MAX_TOKENS) {
                throw new IllegalArgumentException("tokens must be between 1 and " + MAX_TOKENS + ", was " + tokens);
            }
            if (accounts < 1 || accounts > MAX_ACCOUNTS || accounts > tokens) {
                throw new IllegalArgumentException("accounts must be between 1 and min(tokens, " + MAX_ACCOUNTS
                        + "), was " + accounts + " for " + tokens + " tokens");
            }
            if (!(zipfExponent >= 0 && zipfExponent <= 5)) {
                throw new IllegalArgumentException("zipf exponent must be between 0 and 5, was " + zipfExponent);
            }
            if (!(failureRatio >= 0 && failureRatio <= 1)) {
                throw new IllegalArgumentException("failure ratio must be between 0 and 1, was " + failureRatio);
            }
            if (!(userSessionRatio >= 0 && userSessionRatio <= 1)) {
                throw new IllegalArgumentException(
                        "user session ratio must be between 0 and 1, was " + userSessionRatio);
            }
            if (maxJitter == null || maxJitter.isNegative() || maxJitter.compareTo(MAX_JITTER) > 0) {
                throw new IllegalArgumentException("jitter must be between 0 and " + MAX_JITTER + ", was " + maxJitter);
            }
        }

        public static Settings demo() {
            return new Settings(5, 300, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 42);
        }
    }

    private final Settings settings;
    private final ZipfSampler popularity;
    private final SplittableRandom random;
    private final long jitterMillis;

    public SyntheticTraffic(Settings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
        this.popularity = new ZipfSampler(settings.tokens(), settings.zipfExponent());
        this.jitterMillis = settings.maxJitter().toMillis();
    }

    public Settings settings() {
        return settings;
    }

    /** Token of popularity rank {@code i} (0 = most popular). */
    public Token token(int i) {
        if (i < 0 || i >= settings.tokens()) {
            throw new IndexOutOfBoundsException("token " + i + " of " + settings.tokens());
        }
        return new Token(padded("acct-", i % settings.accounts(), 3), padded("tok-", i, 7));
    }

    /** The whole fleet, in rank order, as a view computed on access (nothing is stored). */
    public List<Token> tokens() {
        return new Fleet();
    }

    /** The registry record of a token, as the token service would publish it. */
    public ServiceToken registryRecord(Token t, Instant createdAt) {
        return ServiceToken.newBuilder()
                .setTokenId(t.tokenId())
                .setAccountId(t.accountId())
                .setName("service " + t.tokenId())
                .setClientId("client-" + t.tokenId())
                .setClientSecretHash(
                        "sha256:" + UUID.nameUUIDFromBytes(t.tokenId().getBytes(StandardCharsets.UTF_8)))
                .setCreatedAt(createdAt)
                .setExpiresAt(null)
                .build();
    }

    /** The next login, dated up to the jitter before {@code now}. */
    public LoginEvent next(Instant now) {
        Token t = token(popularity.sample(random));
        Instant at = jitterMillis == 0 ? now : now.minusMillis(random.nextLong(jitterMillis + 1));
        boolean session = random.nextDouble() < settings.userSessionRatio();
        boolean failed = random.nextDouble() < settings.failureRatio();
        return LoginEvent.newBuilder()
                .setEventId(new UUID(random.nextLong(), random.nextLong()).toString())
                .setOccurredAt(at)
                .setAccountId(t.accountId())
                .setCredentialType(session ? CredentialType.USER_SESSION : CredentialType.SERVICE_TOKEN)
                .setTokenId(session ? null : t.tokenId())
                .setOutcome(failed ? AuthOutcome.FAILURE : AuthOutcome.SUCCESS)
                .setFailureReason(failed ? "invalid_secret" : null)
                .setColo(COLOS[random.nextInt(COLOS.length)])
                .setClientIp("198.51.100." + random.nextInt(1, 255))
                .build();
    }

    /** {@code prefix} + {@code n} zero-padded to {@code width} digits, as {@code String.format("%0<width>d")} but cheaper. */
    static String padded(String prefix, int n, int width) {
        String digits = Integer.toString(n);
        StringBuilder b = new StringBuilder(prefix.length() + Math.max(width, digits.length())).append(prefix);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits).toString();
    }

    private final class Fleet extends AbstractList<Token> implements RandomAccess {
        @Override
        public Token get(int index) {
            return token(index);
        }

        @Override
        public int size() {
            return settings.tokens();
        }
    }
}
