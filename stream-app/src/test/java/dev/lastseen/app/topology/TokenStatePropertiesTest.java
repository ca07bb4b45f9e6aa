package dev.lastseen.app.topology;

import static dev.lastseen.app.topology.TopologyHarness.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenStores;
import dev.lastseen.state.UsageFields;
import dev.lastseen.testing.TestRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.streams.state.Stores;

/**
 * Arbitrary interleavings of registry upserts (valid, empty and blank secrets), deletes and
 * login events (out of order, duplicated, replayed) against the real topology. One driver
 * serves every try; each try uses a fresh account so tries cannot see each other's state.
 */
class TokenStatePropertiesTest {
    private static final String[] TOKENS = {"tok-a", "tok-b", "tok-c"};
    private static final AtomicLong tries = new AtomicLong();
    private static RecordingStores.Recording registrySupplier;
    private static TopologyHarness h;

    sealed interface Action permits RegistryPut, RegistryDelete, Login, Replay {}

    record RegistryPut(int token, String secret) implements Action {}

    record RegistryDelete(int token) implements Action {}

    record Login(int token, int secondsBeforeNow, boolean success) implements Action {}

    record Replay(int index) implements Action {}

    @BeforeContainer
    static void startDriver() {
        registrySupplier = new RecordingStores.Recording(Stores.inMemoryKeyValueStore(StoreNames.TOKEN_REGISTRY));
        TokenStores memory = TokenStores.inMemory();
        TokenStores stores = new TokenStores(
                registrySupplier,
                memory.usage(),
                memory.tokenAccountIndex(),
                memory.lastSeenGuard(),
                memory.neverSeen(),
                memory.trailing());
        h = new TopologyHarness(stores, java.util.Map.of());
    }

    @AfterContainer
    static void stopDriver() {
        h.close();
    }

    @Provide
    Arbitrary<List<Action>> interleavings() {
        Arbitrary<Integer> token = Arbitraries.integers().between(0, TOKENS.length - 1);
        Arbitrary<String> secret = Arbitraries.oneOf(
                Arbitraries.strings()
                        .withCharRange('a', 'f')
                        .numeric()
                        .ofMinLength(16)
                        .ofMaxLength(40)
                        .map(s -> "sha256:" + s),
                Arbitraries.of(
                        "", " ", "\t", "   ", "\u00A0sha256:0123456789abcdef", "****************", "sha256:0123"));
        Arbitrary<Action> put = Combinators.combine(token, secret).as(RegistryPut::new);
        Arbitrary<Action> delete = token.map(RegistryDelete::new);
        // up to an hour back and up to 4 minutes ahead (inside the default 5-minute skew allowance)
        Arbitrary<Action> login = Combinators.combine(
                        token, Arbitraries.integers().between(-240, 3600), Arbitraries.of(true, true, false))
                .as(Login::new);
        Arbitrary<Action> replay = Arbitraries.integers().between(0, 40).map(Replay::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, put), net.jqwik.api.Tuple.of(1, delete),
                        net.jqwik.api.Tuple.of(6, login), net.jqwik.api.Tuple.of(2, replay))
                .list()
                .ofMaxSize(40);
    }

    /** Whether the secret rule (default settings) accepts a secret; the generators above only produce these shapes. */
    private static boolean acceptable(String secret) {
        return secret.startsWith("sha256:")
                && secret.length() >= 16
                && secret.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    @Property(tries = 1000)
    void storedFieldsAreAlwaysTheLastValidRegistryRecordsAndLastSeenIsTheMaxSuccessfulTime(
            @ForAll("interleavings") List<Action> actions) {
        String account = "acct-" + tries.incrementAndGet();
        Map<String, String> expectedName = new HashMap<>();
        Map<String, Long> expectedLastSeen = new HashMap<>();
        Map<String, long[]> expectedCounts = new HashMap<>();
        List<LoginEvent> sent = new ArrayList<>();
        h.patches.readRecordsToList(); // drain earlier tries' patches

        for (Action action : actions) {
            if (action instanceof RegistryPut p) {
                String tokenId = TOKENS[p.token()];
                registrySupplier.accesses.clear();
                ServiceToken record = TestRecords.token(account, tokenId, p.secret());
                record.setName("version " + tries.incrementAndGet());
                h.tokens.pipeInput(tokenId, record);
                if (acceptable(p.secret())) {
                    expectedName.put(tokenId, record.getName());
                    // the recorder sees registry writes, so its silence during logins means something
                    assertThat(registrySupplier.accesses).contains("put");
                }
            } else if (action instanceof RegistryDelete d) {
                String tokenId = TOKENS[d.token()];
                h.tokens.pipeInput(tokenId, null);
                expectedName.remove(tokenId);
            } else if (action instanceof Login l) {
                LoginEvent e = TestRecords.login(
                        account,
                        TOKENS[l.token()],
                        NOW.minusSeconds(l.secondsBeforeNow()),
                        l.success() ? AuthOutcome.SUCCESS : AuthOutcome.FAILURE);
                pipeLogin(account, e, expectedLastSeen, expectedCounts);
                sent.add(e);
            } else if (action instanceof Replay r && !sent.isEmpty()) {
                LoginEvent again = sent.get(r.index() % sent.size());
                pipeLogin(account, again, expectedLastSeen, expectedCounts);
            }
        }

        for (String tokenId : TOKENS) {
            TokenKey key = new TokenKey(account, tokenId);
            RegistryFields registry = h.registryStore().get(key);
            assertThat(registry == null ? null : registry.name())
                    .as("registry fields of %s", tokenId)
                    .isEqualTo(expectedName.get(tokenId));
            UsageFields usage = h.usageStore().get(key);
            Long lastSeen = usage == null || !usage.seen() ? null : usage.lastSeenAt();
            assertThat(lastSeen).as("last_seen_at of %s", tokenId).isEqualTo(expectedLastSeen.get(tokenId));
            long[] counts = expectedCounts.getOrDefault(tokenId, new long[2]);
            assertThat(usage == null ? 0 : usage.successCount()).isEqualTo(counts[0]);
            assertThat(usage == null ? 0 : usage.failureCount()).isEqualTo(counts[1]);
        }

        Map<String, Long> lastPatch = new HashMap<>();
        for (TokenLastSeen patch : h.patches.readValuesToList()) {
            assertThat(patch.getAccountId()).isEqualTo(account);
            long at = patch.getLastSeenAt().toEpochMilli();
            Long previous = lastPatch.put(patch.getTokenId(), at);
            assertThat(previous == null || at > previous)
                    .as("patches of %s strictly increase", patch.getTokenId())
                    .isTrue();
            assertThat(at).isLessThanOrEqualTo(expectedLastSeen.get(patch.getTokenId()));
        }
    }

    /** Pipes one login and proves the usage path touched nothing in the registry group. */
    private static void pipeLogin(
            String account, LoginEvent e, Map<String, Long> lastSeen, Map<String, long[]> counts) {
        registrySupplier.accesses.clear();
        h.logins.pipeInput(account, e);
        assertThat(registrySupplier.accesses)
                .as("registry-group accesses while recording usage")
                .isEmpty();
        long[] c = counts.computeIfAbsent(e.getTokenId(), t -> new long[2]);
        if (e.getOutcome() == AuthOutcome.SUCCESS) {
            c[0]++;
            lastSeen.merge(e.getTokenId(), e.getOccurredAt().toEpochMilli(), Math::max);
        } else {
            c[1]++;
        }
    }

    @Property(tries = 1000)
    void registryRecordsTouchNoUsageFieldButTheRetirementMark(@ForAll("interleavings") List<Action> actions) {
        // The converse ownership: registry changes never alter a token's usage fields; a delete (of a token
        // registered in this account) only marks its usage retired, and a valid re-registration clears the mark.
        String account = "acct-r-" + tries.incrementAndGet();
        h.logins.pipeInput(account, TestRecords.success(account, TOKENS[0], NOW.minusSeconds(100)));
        TokenKey key = new TokenKey(account, TOKENS[0]);
        UsageFields before = h.usageStore().get(key);
        boolean registeredHere = false;
        boolean retired = false;
        for (Action action : actions) {
            if (action instanceof RegistryPut p) {
                h.tokens.pipeInput(TOKENS[p.token()], TestRecords.token(account, TOKENS[p.token()], p.secret()));
                if (p.token() == 0 && acceptable(p.secret())) {
                    registeredHere = true;
                    retired = false;
                }
            } else if (action instanceof RegistryDelete d) {
                h.tokens.pipeInput(TOKENS[d.token()], null);
                if (d.token() == 0 && registeredHere) {
                    registeredHere = false;
                    retired = true;
                }
            }
        }
        UsageFields after = h.usageStore().get(key);
        assertThat(after.retired()).as("retired").isEqualTo(retired);
        assertThat(new UsageFields(
                        after.lastSeenAt(),
                        after.lastSeenColo(),
                        after.lastSeenIp(),
                        after.successCount(),
                        after.failureCount(),
                        after.lastPatchedAt(),
                        after.lastFailureAt()))
                .isEqualTo(before);
    }
}
