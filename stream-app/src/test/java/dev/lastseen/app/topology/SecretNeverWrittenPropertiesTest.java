package dev.lastseen.app.topology;

import static dev.lastseen.app.topology.TopologyHarness.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.audit.SecretIndex;
import dev.lastseen.app.config.SecretConfig;
import dev.lastseen.app.errors.DeadLetters;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.StateSerdes;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Arbitrary registry records whose secrets are drawn from all of Unicode — whitespace, format
 * and control characters, placeholders, near-misses of real hashes — through the real topology.
 * A record is accepted exactly when the secret rule (restated here independently, in its
 * documented order) and the other field rules accept it, a rejected one leaves the previous
 * fields in force, and no byte lastseen writes — output topics, dead letters, repartition and
 * changelog topics, the stores' serialized contents — ever contains the secret.
 */
class SecretNeverWrittenPropertiesTest {
    private static final Set<String> PLACEHOLDERS = SecretConfig.DEFAULT_SECRET_PLACEHOLDERS.stream()
            .map(p -> p.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    private static final String INTRUDERS =
            " \t\n\r\u000b\f\u0000\u0007\u001b\u007f\u0085\u00a0\u00ad\u1680\u180e\u2000\u2007\u200b\u200c\u200d"
                    + "\u200e\u2028\u2029\u202f\u205f\u2060\u3000\ufeff\u00e9\u00df\u0416\u4e2d\ud83d";
    private static final AtomicLong tries = new AtomicLong();
    private static TopologyHarness h;

    /** One arbitrary registry record: its secret, whether other fields are valid, and whether the key matches. */
    record Case(String secret, String name, long createdAt, boolean keyMatches) {
        @Override
        public String toString() {
            return "Case[secret=" + escaped(secret) + ", name=" + escaped(name) + ", createdAt=" + createdAt
                    + ", keyMatches=" + keyMatches + "]";
        }

        private static String escaped(String s) {
            StringBuilder b = new StringBuilder("\"");
            s.chars()
                    .forEach(c ->
                            b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
            return b.append('"').toString();
        }
    }

    @BeforeContainer
    static void startDriver() {
        h = new TopologyHarness(dev.lastseen.state.TokenStores.inMemory(), java.util.Map.of());
    }

    @AfterContainer
    static void stopDriver() {
        h.close();
    }

    @Provide
    Arbitrary<Case> cases() {
        net.jqwik.api.arbitraries.StringArbitrary visible =
                Arbitraries.strings().withCharRange('!', '~');
        Arbitrary<String> secret = Arbitraries.frequencyOf(
                Tuple.of(4, visible.ofMinLength(0).ofMaxLength(80)),
                Tuple.of(3, Arbitraries.strings().all().ofMinLength(0).ofMaxLength(40)),
                Tuple.of(
                        4,
                        Combinators.combine(
                                        visible.ofMinLength(16).ofMaxLength(64),
                                        Arbitraries.of(INTRUDERS
                                                .chars()
                                                .mapToObj(c -> (char) c)
                                                .toList()),
                                        Arbitraries.integers().between(0, 64))
                                .as((s, c, at) -> s.substring(0, Math.min(at, s.length()))
                                        + c
                                        + s.substring(Math.min(at, s.length())))),
                Tuple.of(
                        2,
                        Arbitraries.of(SecretConfig.DEFAULT_SECRET_PLACEHOLDERS)
                                .flatMap(p ->
                                        Arbitraries.of(p, p.toUpperCase(Locale.ROOT), p.toLowerCase(Locale.ROOT)))),
                Tuple.of(
                        2,
                        Combinators.combine(
                                        Arbitraries.chars().range('!', '~'),
                                        Arbitraries.integers().between(2, 40))
                                .as((c, n) -> String.valueOf(c).repeat(n))),
                Tuple.of(1, visible.ofMinLength(1000).ofMaxLength(1050)));
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(
                        9,
                        Arbitraries.strings()
                                .alpha()
                                .numeric()
                                .withChars(' ', '-')
                                .ofMinLength(1)
                                .ofMaxLength(40)),
                Tuple.of(1, Arbitraries.of("", "x".repeat(257), "tab\there")));
        Arbitrary<Long> createdAt = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.longs().between(1, 4_000_000_000_000L)),
                Tuple.of(1, Arbitraries.longs().between(-1_000, 0)));
        return Combinators.combine(secret, name, createdAt, Arbitraries.of(true, true, true, false))
                .as(Case::new);
    }

    /** The secret rule as documented (README, SecretRule): the reason code of the first row it breaks, or null. */
    static String expectedSecretReason(String s) {
        if (s.isEmpty()) {
            return "secret_missing";
        }
        if (s.length() > 1024) {
            return "secret_too_long";
        }
        if (!s.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            return "secret_not_visible_ascii";
        }
        if (s.length() < 16) {
            return "secret_too_short";
        }
        if (PLACEHOLDERS.contains(s.toLowerCase(Locale.ROOT))
                || s.chars().distinct().count() == 1) {
            return "secret_placeholder";
        }
        return null;
    }

    /** What a field is on the wire: a lone surrogate cannot be encoded in UTF-8, and the producer's encoder writes '?' instead. */
    private static String onTheWire(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static String expectedReason(Case c) {
        String secret = expectedSecretReason(onTheWire(c.secret()));
        if (secret != null) {
            return secret;
        }
        if (c.name().isEmpty() || c.name().chars().anyMatch(Character::isISOControl)) {
            return "invalid_field";
        }
        if (c.name().length() > 256) {
            return "field_too_long";
        }
        if (c.createdAt() <= 0) {
            return "invalid_timestamp";
        }
        return c.keyMatches() ? null : "key_mismatch";
    }

    @Property(tries = 1000)
    void acceptedExactlyWhenTheRuleSaysSoAndTheSecretIsNeverWritten(@ForAll("cases") Case c) {
        long n = tries.incrementAndGet();
        String account = "acct-" + n;
        String tokenId = "tok-" + n;
        h.drainEveryProducedTopic(); // earlier tries' output

        ServiceToken good = TopologyHarness.token(account, tokenId);
        h.tokens.pipeInput(tokenId, good);
        RegistryFields before = h.registryStore().get(new TokenKey(account, tokenId));
        ServiceToken record = ServiceToken.newBuilder(good)
                .setName(c.name())
                .setClientSecretHash(c.secret())
                .setCreatedAt(Instant.ofEpochMilli(c.createdAt()))
                .build();
        h.tokens.pipeInput(c.keyMatches() ? tokenId : "other-" + n, record);
        h.logins.pipeInput(account, TestRecords.success(account, tokenId, NOW.minusSeconds(n % 3600)));

        String reason = expectedReason(c);
        RegistryFields after = h.registryStore().get(new TokenKey(account, tokenId));
        List<TestRecord<byte[], byte[]>> written = h.drainEveryProducedTopic();
        List<TestRecord<byte[], byte[]>> dead = written.stream()
                .filter(r -> r.headers().lastHeader(DeadLetters.REASON_HEADER) != null)
                .toList();
        if (reason == null) {
            assertThat(dead).isEmpty();
            assertThat(after)
                    .isEqualTo(new RegistryFields(onTheWire(c.name()), good.getClientId(), c.createdAt(), null));
        } else {
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(new String(
                                d.headers()
                                        .lastHeader(DeadLetters.REASON_HEADER)
                                        .value(),
                                StandardCharsets.UTF_8))
                        .isEqualTo(reason);
                assertThat(d.value()).isNull();
            });
            assertThat(after).as("rejected whole: the previous fields stay").isEqualTo(before);
        }

        SecretIndex secrets = new SecretIndex();
        secrets.add(good.getClientSecretHash(), "the good record's secret");
        if (searchable(c, tokenId, account)) {
            secrets.add(c.secret(), "the arbitrary record's secret");
        }
        for (TestRecord<byte[], byte[]> r : written) {
            assertThat(secrets.find(r.key())).as("a written key").isNull();
            assertThat(secrets.find(r.value())).as("a written value").isNull();
            r.headers()
                    .forEach(header -> assertThat(secrets.find(header.value()))
                            .as("header %s", header.key())
                            .isNull());
        }
        assertThat(written)
                .as("the try wrote its changelog, repartition and patch records")
                .hasSizeGreaterThanOrEqualTo(4);
        if (n % 100 == 0) {
            assertNoStoreHolds(secrets);
        }
    }

    /** Whether looking for the secret can only match the secret itself, not ordinary data around it. */
    private static boolean searchable(Case c, String tokenId, String account) {
        byte[] bytes = c.secret().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < SecretIndex.MIN_BYTES
                || c.secret().chars().distinct().count() < 4) {
            return false;
        }
        for (String other :
                new String[] {c.name(), tokenId, account, "other-" + tokenId.substring(4), "client-" + tokenId}) {
            if (other.contains(c.secret())) {
                return false;
            }
        }
        return true;
    }

    private static void assertNoStoreHolds(SecretIndex secrets) {
        scanStore(
                StoreNames.TOKEN_REGISTRY,
                StateSerdes.tokenKey().serializer(),
                StateSerdes.registry().serializer(),
                secrets);
        scanStore(
                StoreNames.TOKEN_USAGE,
                StateSerdes.tokenKey().serializer(),
                StateSerdes.usage().serializer(),
                secrets);
        scanStore(
                StoreNames.TOKEN_ACCOUNT_INDEX,
                Serdes.String().serializer(),
                Serdes.String().serializer(),
                secrets);
        scanStore(
                StoreNames.LAST_SEEN_GUARD,
                Serdes.String().serializer(),
                Serdes.Long().serializer(),
                secrets);
    }

    private static <K, V> void scanStore(
            String name,
            org.apache.kafka.common.serialization.Serializer<K> keys,
            org.apache.kafka.common.serialization.Serializer<V> values,
            SecretIndex secrets) {
        KeyValueStore<K, V> store = h.driver.getKeyValueStore(name);
        int entries = 0;
        try (KeyValueIterator<K, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<K, V> e = all.next();
                entries++;
                assertThat(secrets.find(keys.serialize(name, e.key)))
                        .as("a key of %s", name)
                        .isNull();
                assertThat(secrets.find(values.serialize(name, e.value)))
                        .as("a value of %s", name)
                        .isNull();
            }
        }
        assertThat(entries).as("entries in %s", name).isPositive();
    }
}
