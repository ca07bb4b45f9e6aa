package dev.lastseen.devtools.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Statistical properties of the generator for a fixed seed: what the benchmarks rely on. */
class SyntheticTrafficTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final int DRAWS = 200_000;

    private static SyntheticTraffic traffic(
            int tokens, double zipf, double failures, double sessions, Duration jitter, long seed) {
        return new SyntheticTraffic(new SyntheticTraffic.Settings(10, tokens, zipf, failures, sessions, jitter, seed));
    }

    /** Share of the N most popular ranks under Zipf(s) over n ranks, computed from the definition. */
    private static double expectedHeadShare(int n, double s, int head) {
        double all = 0;
        double top = 0;
        for (int i = 1; i <= n; i++) {
            double w = 1 / Math.pow(i, s);
            all += w;
            if (i <= head) {
                top += w;
            }
        }
        return top / all;
    }

    @Test
    void headTokensTakeTheZipfShareOfLogins() {
        SyntheticTraffic t = traffic(10_000, 1.1, 0, 0, Duration.ZERO, 7);
        Set<String> head = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            head.add(t.token(i).tokenId());
        }
        int inHead = 0;
        for (int i = 0; i < DRAWS; i++) {
            if (head.contains(t.next(NOW).getTokenId())) {
                inHead++;
            }
        }
        double expected = expectedHeadShare(10_000, 1.1, 10);
        assertThat((double) inHead / DRAWS).isCloseTo(expected, within(0.01));
    }

    @Test
    void exponentZeroSpreadsLoginsUniformly() {
        SyntheticTraffic t = traffic(100, 0, 0, 0, Duration.ZERO, 3);
        Map<String, Integer> perToken = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            perToken.merge(t.next(NOW).getTokenId(), 1, Integer::sum);
        }
        assertThat(perToken).hasSize(100);
        assertThat(perToken.values())
                .allSatisfy(n -> assertThat(n).isBetween(DRAWS / 100 * 8 / 10, DRAWS / 100 * 12 / 10));
    }

    @Test
    void failureAndSessionRatiosHoldWithinTolerance() {
        SyntheticTraffic t = traffic(1_000, 1.1, 0.2, 0.1, Duration.ZERO, 11);
        int failures = 0;
        int sessions = 0;
        for (int i = 0; i < DRAWS; i++) {
            LoginEvent e = t.next(NOW);
            if (e.getOutcome() == AuthOutcome.FAILURE) {
                failures++;
                assertThat(e.getFailureReason()).isNotBlank();
            } else {
                assertThat(e.getFailureReason()).isNull();
            }
            if (e.getCredentialType() == CredentialType.USER_SESSION) {
                sessions++;
                assertThat(e.getTokenId()).isNull();
            } else {
                assertThat(e.getTokenId()).isNotNull();
            }
        }
        assertThat((double) failures / DRAWS).isCloseTo(0.2, within(0.005));
        assertThat((double) sessions / DRAWS).isCloseTo(0.1, within(0.005));
    }

    @Test
    void eventsAreDatedWithinTheJitterAndSpreadAcrossIt() {
        Duration jitter = Duration.ofSeconds(5);
        SyntheticTraffic t = traffic(1_000, 1.1, 0, 0, jitter, 5);
        long oldest = 0;
        long newest = Long.MAX_VALUE;
        for (int i = 0; i < 20_000; i++) {
            long ageMillis = Duration.between(t.next(NOW).getOccurredAt(), NOW).toMillis();
            assertThat(ageMillis).isBetween(0L, jitter.toMillis());
            oldest = Math.max(oldest, ageMillis);
            newest = Math.min(newest, ageMillis);
        }
        assertThat(oldest).isGreaterThan(4_900);
        assertThat(newest).isLessThan(100);
    }

    @Test
    void noJitterDatesEveryEventNow() {
        SyntheticTraffic t = traffic(1_000, 1.1, 0, 0, Duration.ZERO, 5);
        for (int i = 0; i < 1_000; i++) {
            assertThat(t.next(NOW).getOccurredAt()).isEqualTo(NOW);
        }
    }

    @Test
    void sameSeedGivesTheSameTrafficAndAnotherSeedDoesNot() {
        SyntheticTraffic a = traffic(1_000, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 42);
        SyntheticTraffic b = traffic(1_000, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 42);
        SyntheticTraffic c = traffic(1_000, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 43);
        boolean differs = false;
        for (int i = 0; i < 100; i++) {
            LoginEvent x = a.next(NOW);
            assertThat(b.next(NOW)).isEqualTo(x);
            differs |= !c.next(NOW).equals(x);
        }
        assertThat(differs).isTrue();
    }

    @Test
    void tokensAreSpreadRoundRobinOverAccountsAndLoginsAreKeyedByTheirTokensAccount() {
        SyntheticTraffic t = new SyntheticTraffic(new SyntheticTraffic.Settings(7, 70, 1.1, 0, 0, Duration.ZERO, 1));
        Map<String, Integer> perAccount = new HashMap<>();
        Map<String, String> accountOf = new HashMap<>();
        for (SyntheticTraffic.Token token : t.tokens()) {
            perAccount.merge(token.accountId(), 1, Integer::sum);
            accountOf.put(token.tokenId(), token.accountId());
        }
        assertThat(perAccount)
                .hasSize(7)
                .allSatisfy((account, n) -> assertThat(n).isEqualTo(10));
        assertThat(accountOf).hasSize(70);
        for (int i = 0; i < 1_000; i++) {
            LoginEvent e = t.next(NOW);
            assertThat(e.getAccountId()).isEqualTo(accountOf.get(e.getTokenId()));
        }
    }

    @Test
    void aTenMillionTokenFleetIsNotMaterialised() {
        SyntheticTraffic t = new SyntheticTraffic(
                new SyntheticTraffic.Settings(1_000, SyntheticTraffic.MAX_TOKENS, 1.1, 0, 0, Duration.ZERO, 1));
        assertThat(t.tokens()).hasSize(SyntheticTraffic.MAX_TOKENS);
        assertThat(t.token(SyntheticTraffic.MAX_TOKENS - 1))
                .isEqualTo(new SyntheticTraffic.Token("acct-999", "tok-9999999"));
        assertThat(t.token(0)).isEqualTo(new SyntheticTraffic.Token("acct-000", "tok-0000000"));
    }

    @Test
    void registryRecordsHaveANonBlankSecretAndTheTokensIds() {
        SyntheticTraffic t = traffic(100, 1.1, 0, 0, Duration.ZERO, 1);
        SyntheticTraffic.Token token = t.token(42);
        var record = t.registryRecord(token, NOW);
        assertThat(record.getTokenId()).isEqualTo(token.tokenId());
        assertThat(record.getAccountId()).isEqualTo(token.accountId());
        assertThat(record.getClientSecretHash()).isNotBlank();
    }

    @Test
    void settingsOutOfBoundsAreRejectedNamingTheSetting() {
        assertThatThrownBy(() -> traffic(0, 1.1, 0, 0, Duration.ZERO, 1)).hasMessageContaining("tokens");
        assertThatThrownBy(() -> traffic(SyntheticTraffic.MAX_TOKENS + 1, 1.1, 0, 0, Duration.ZERO, 1))
                .hasMessageContaining("tokens");
        assertThatThrownBy(() -> new SyntheticTraffic.Settings(11, 10, 1.1, 0, 0, Duration.ZERO, 1))
                .hasMessageContaining("accounts");
        assertThatThrownBy(() -> traffic(10, -0.1, 0, 0, Duration.ZERO, 1)).hasMessageContaining("zipf");
        assertThatThrownBy(() -> traffic(10, 1.1, 1.5, 0, Duration.ZERO, 1)).hasMessageContaining("failure");
        assertThatThrownBy(() -> traffic(10, 1.1, 0, Double.NaN, Duration.ZERO, 1))
                .hasMessageContaining("session");
        assertThatThrownBy(() -> traffic(10, 1.1, 0, 0, Duration.ofHours(2), 1)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> traffic(10, 1.1, 0, 0, Duration.ofSeconds(-1), 1))
                .hasMessageContaining("jitter");
    }

    @Test
    void paddedIdsMatchStringFormat() {
        for (int n : new int[] {0, 7, 42, 999, 1000, 1234567, 12345678}) {
            assertThat(SyntheticTraffic.padded("tok-", n, 7)).isEqualTo(String.format("tok-%07d", n));
        }
    }
}
