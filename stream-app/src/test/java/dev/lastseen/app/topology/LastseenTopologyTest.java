package dev.lastseen.app.topology;

import static dev.lastseen.app.topology.TopologyHarness.NOW;
import static dev.lastseen.testing.TestRecords.login;
import static dev.lastseen.testing.TestRecords.success;
import static dev.lastseen.testing.TestRecords.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.audit.SecretIndex;
import dev.lastseen.app.config.InputConfig;
import dev.lastseen.app.errors.DeadLetters;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.serde.InputRejectReason;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenStores;
import dev.lastseen.state.TokenView;
import dev.lastseen.state.UsageFields;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class LastseenTopologyTest {
    @AutoClose
    private final TopologyHarness h = new TopologyHarness();

    private UsageFields usage(String account, String token) {
        return h.usageStore().get(new TokenKey(account, token));
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void firstSuccessfulLoginRecordsUsageAndEmitsAPatch() {
        Instant at = NOW.minusSeconds(30);
        h.logins.pipeInput("acct-1", success("acct-1", "tok-1", at));

        UsageFields u = usage("acct-1", "tok-1");
        assertThat(u.lastSeenAt()).isEqualTo(at.toEpochMilli());
        assertThat(u.lastSeenColo()).isEqualTo("fra1");
        assertThat(u.successCount()).isEqualTo(1);
        List<TestRecord<String, TokenLastSeen>> out = h.patches.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo("tok-1");
        assertThat(out.get(0).value().getLastSeenAt()).isEqualTo(at);
        assertThat(out.get(0).value().getAccountId()).isEqualTo("acct-1");
    }

    @Test
    void lastSeenNeverMovesBackwardsOnOutOfOrderAndDuplicateEvents() {
        Instant newest = NOW.minusSeconds(10);
        h.logins.pipeInput("a", success("a", "t", newest));
        h.logins.pipeInput("a", success("a", "t", newest.minusSeconds(3600)));
        h.logins.pipeInput("a", success("a", "t", newest));

        UsageFields u = usage("a", "t");
        assertThat(u.lastSeenAt()).isEqualTo(newest.toEpochMilli());
        assertThat(u.successCount()).isEqualTo(3);
        assertThat(h.patches.readValuesToList())
                .extracting(TokenLastSeen::getLastSeenAt)
                .containsExactly(newest);
    }

    @Test
    void olderEventDoesNotOverwriteTheColoOfTheNewest() {
        h.logins.pipeInput("a", success("a", "t", NOW.minusSeconds(10)));
        LoginEvent older = success("a", "t", NOW.minusSeconds(500));
        older.setColo("sjc1");
        h.logins.pipeInput("a", older);
        assertThat(usage("a", "t").lastSeenColo()).isEqualTo("fra1");
    }

    @Test
    void patchesAreEmittedOnlyWhenLastSeenAdvancesByTheGranularity() {
        Instant start = NOW.minus(Duration.ofMinutes(30));
        for (int s = 0; s <= 150; s += 10) {
            h.logins.pipeInput("a", success("a", "t", start.plusSeconds(s)));
        }
        // first sighting, then +60 s and +120 s past the last patch
        assertThat(h.patches.readValuesToList())
                .extracting(TokenLastSeen::getLastSeenAt)
                .containsExactly(start, start.plusSeconds(60), start.plusSeconds(120));
        assertThat(h.counter("lastseen.patches.emitted")).isEqualTo(3);
        assertThat(h.counter("lastseen.last.seen.advanced")).isEqualTo(16);
    }

    @Test
    void failuresCountButNeverMoveLastSeen() {
        h.logins.pipeInput("a", login("a", "t", NOW.minusSeconds(5), AuthOutcome.FAILURE));
        h.logins.pipeInput("a", login("a", "t", NOW.minusSeconds(4), AuthOutcome.FAILURE));
        UsageFields u = usage("a", "t");
        assertThat(u.failureCount()).isEqualTo(2);
        assertThat(u.successCount()).isZero();
        assertThat(u.seen()).isFalse();
        assertThat(h.patches.isEmpty()).isTrue();
    }

    @Test
    void eventsWithoutAKeyAreRekeyedFromTheAccountInTheValue() {
        h.logins.pipeInput((String) null, success("acct-9", "tok-9", NOW.minusSeconds(1)));
        h.logins.pipeInput("wrong-account", success("acct-9", "tok-9", NOW));
        assertThat(usage("acct-9", "tok-9").successCount()).isEqualTo(2);
        assertThat(h.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aLoginForATokenTheRegistryDoesNotKnowIsStillRecorded() {
        h.logins.pipeInput("a", success("a", "unknown", NOW));
        TokenView view = h.readView().get("a", "unknown").orElseThrow();
        assertThat(view.metadata()).isNull();
        assertThat(view.usage().lastSeenAt()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void userSessionsCountInTotalsButTrackNoToken() {
        LoginEvent session = success("a", null, NOW);
        session.setCredentialType(CredentialType.USER_SESSION);
        h.logins.pipeInput("a", session);
        assertThat(h.counter("lastseen.events", "credential_type", "USER_SESSION", "outcome", "SUCCESS"))
                .isEqualTo(1);
        assertThat(h.usageStore().approximateNumEntries()).isZero();
        assertThat(h.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void eventsFurtherInTheFutureThanTheSkewAllowanceAreDeadLettered() {
        h.logins.pipeInput("a", success("a", "t", NOW.plus(Duration.ofMinutes(6))));
        h.logins.pipeInput("a", success("a", "t", NOW.plus(Duration.ofMinutes(4))));

        TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON_HEADER)).isEqualTo("future_timestamp");
        assertThat(header(dead, DeadLetters.HEADER_TOPIC)).isEqualTo("login-events");
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(h.deadLetters.isEmpty()).isTrue();
        assertThat(usage("a", "t").lastSeenAt())
                .isEqualTo(NOW.plus(Duration.ofMinutes(4)).toEpochMilli());
        assertThat(h.counter("lastseen.dlq.records", "reason", InputRejectReason.FUTURE_TIMESTAMP.code()))
                .isEqualTo(1);
    }

    @Test
    void undecodablePayloadsAreDeadLetteredWithTheirOriginalBytesAndProcessingContinues() {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = {0, 0, 0, 0x7f, 0x7f, 2, 4};
        byte[] truncated = {0, 0};
        h.rawLogins.pipeInput("a".getBytes(StandardCharsets.UTF_8), garbage);
        h.rawLogins.pipeInput("a".getBytes(StandardCharsets.UTF_8), unknownId);
        h.rawLogins.pipeInput("a".getBytes(StandardCharsets.UTF_8), truncated);
        h.logins.pipeInput("a", success("a", "t", NOW));

        List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
        assertThat(dead)
                .extracting(r -> header(r, DeadLetters.REASON_HEADER))
                .containsExactly("bad_magic_byte", "unknown_schema", "truncated");
        assertThat(dead.get(0).value())
                .as("login dead letters keep their bytes")
                .isEqualTo(garbage);
        assertThat(dead.get(1).value()).isEqualTo(unknownId);
        assertThat(dead.get(0).headers().lastHeader(DeadLetters.VALUE_WITHHELD_HEADER))
                .isNull();
        assertThat(header(dead.get(1), DeadLetters.SCHEMA_ID_HEADER)).isEqualTo(Integer.toString(0x7f7f));
        assertThat(usage("a", "t").successCount()).isEqualTo(1);
    }

    @Test
    void recordsOverTheSizeBoundAreRejectedBeforeDecoding() {
        byte[] huge = new byte[16 * 1024 + 1];
        h.rawLogins.pipeInput("a".getBytes(StandardCharsets.UTF_8), huge);
        assertThat(header(h.deadLetters.readRecord(), DeadLetters.REASON_HEADER))
                .isEqualTo("too_large");
        assertThat(h.counter("lastseen.dlq.records", "reason", InputRejectReason.TOO_LARGE.code()))
                .isEqualTo(1);
    }

    @Test
    void stringsOverTheirBoundsAreRejectedWithAMessageNamingTheField() {
        LoginEvent longColo = success("a", "t", NOW);
        longColo.setColo("x".repeat(65));
        h.logins.pipeInput("a", longColo);
        LoginEvent longToken = success("a", "t".repeat(129), NOW);
        h.logins.pipeInput("a", longToken);

        List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
        assertThat(dead)
                .extracting(r -> header(r, DeadLetters.REASON_HEADER))
                .containsExactly("field_too_long", "invalid_id");
        assertThat(header(dead.get(0), DeadLetters.HEADER_MESSAGE))
                .contains("colo")
                .contains("64");
        assertThat(header(dead.get(1), DeadLetters.HEADER_MESSAGE))
                .contains("token_id")
                .contains("128");
        assertThat(h.usageStore().approximateNumEntries()).isZero();
    }

    @Test
    void aTokenLoginWithoutATokenIdIsRejected() {
        h.logins.pipeInput("a", success("a", null, NOW));
        assertThat(header(h.deadLetters.readRecord(), DeadLetters.REASON_HEADER))
                .isEqualTo("missing_token_id");
    }

    @Test
    void registryRecordsFillMetadataAndTheSecretIsDroppedAtTheEdge() {
        String secret = TopologyHarness.secret("edge");
        h.tokens.pipeInput("tok-1", token("acct-1", "tok-1", secret));
        TokenView view = h.readView().get("acct-1", "tok-1").orElseThrow();
        assertThat(view.metadata().name()).isEqualTo("deploy bot tok-1");
        assertThat(view.usage()).isNull();
        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1")))
                .isEqualTo(new RegistryFields(
                        "deploy bot tok-1",
                        "client-tok-1",
                        Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(),
                        null));
        SecretIndex secrets = new SecretIndex();
        secrets.add(secret, "tok-1");
        List<TestRecord<byte[], byte[]>> written = h.drainEveryProducedTopic();
        assertThat(written)
                .as("the repartition and changelog records were written")
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(written).allSatisfy(r -> {
            assertThat(secrets.find(r.value())).isNull();
            assertThat(secrets.find(r.key())).isNull();
        });
    }

    @Test
    void eachBrokenSecretRuleIsRejectedWholeWithItsReasonAndThePreviousFieldsStayInForce() {
        h.tokens.pipeInput("tok-1", TopologyHarness.token("acct-1", "tok-1"));
        RegistryFields good = h.registryStore().get(new TokenKey("acct-1", "tok-1"));
        Map<String, String> secretByExpectedReason = new LinkedHashMap<>();
        secretByExpectedReason.put("secret_missing", "");
        secretByExpectedReason.put("secret_not_visible_ascii", "sha256:" + "\u00A0".repeat(1) + "0123456789abcdef0123");
        secretByExpectedReason.put("secret_too_short", "sha256:0123");
        secretByExpectedReason.put("secret_too_long", "x".repeat(1025));
        secretByExpectedReason.put("secret_placeholder", "*".repeat(16));
        for (String bad : secretByExpectedReason.values()) {
            ServiceToken edit = token("acct-2", "tok-1", bad); // would also move the token and rename it
            edit.setName("renamed");
            h.tokens.pipeInput("tok-1", edit);
        }

        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1"))).isEqualTo(good);
        assertThat(h.registryStore().get(new TokenKey("acct-2", "tok-1"))).isNull();
        List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
        assertThat(dead)
                .extracting(r -> header(r, DeadLetters.REASON_HEADER))
                .containsExactlyElementsOf(secretByExpectedReason.keySet());
        assertThat(dead).allSatisfy(r -> {
            assertThat(r.value())
                    .as("a service-tokens dead letter carries no value bytes")
                    .isNull();
            assertThat(header(r, DeadLetters.VALUE_WITHHELD_HEADER)).isEqualTo("true");
            assertThat(header(r, DeadLetters.SCHEMA_ID_HEADER)).isEqualTo(Integer.toString(h.serviceTokenSchemaId()));
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("tok-1");
            assertThat(header(r, DeadLetters.HEADER_MESSAGE))
                    .contains("client_secret_hash")
                    .doesNotContain("0123");
        });
        assertThat(h.meters.get("lastseen.secret.rejected").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum())
                .isEqualTo(5);
        for (String reason : secretByExpectedReason.keySet()) {
            assertThat(h.counter("lastseen.secret.rejected", "reason", reason))
                    .as(reason)
                    .isEqualTo(1);
        }
    }

    @Test
    void aDeletedTokensUsageStaysReadableUntilTheRetiredRetentionThenExpires() {
        h.tokens.pipeInput("tok-1", TopologyHarness.token("acct-1", "tok-1"), NOW.minus(Duration.ofDays(40)));
        h.logins.pipeInput("acct-1", success("acct-1", "tok-1", NOW.minus(Duration.ofDays(35))));
        h.tokens.pipeInput("tok-2", TopologyHarness.token("acct-1", "tok-2"), NOW.minus(Duration.ofDays(40)));
        h.logins.pipeInput("acct-1", success("acct-1", "tok-2", NOW.minus(Duration.ofDays(35))));
        h.tokens.pipeInput(
                "tok-1", null, NOW.minus(Duration.ofDays(31))); // deleted 31 days ago: past the 30-day retention
        h.tokens.pipeInput("tok-2", null, NOW.minus(Duration.ofDays(1))); // deleted yesterday

        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1"))).isNull();
        TokenView deleted = h.readView().get("acct-1", "tok-2").orElseThrow();
        assertThat(deleted.metadata()).isNull();
        assertThat(deleted.usage().successCount()).isEqualTo(1);
        assertThat(h.readView()
                        .unusedSince("acct-1", NOW.toEpochMilli(), null, 10, 100)
                        .tokens())
                .as("deleted tokens are not listed")
                .isEmpty();

        h.driver.advanceWallClockTime(UsageProcessor.SWEEP_INTERVAL.plusSeconds(1));

        assertThat(usage("acct-1", "tok-1")).isNull();
        assertThat(usage("acct-1", "tok-2").successCount()).isEqualTo(1);
        assertThat(h.counter("lastseen.usage.retired.expired")).isEqualTo(1);
        assertThat(h.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aTokenThatMovesAccountIsRemovedFromTheOldAccountWhoseUsageIsRetired() {
        h.tokens.pipeInput("tok-1", TopologyHarness.token("acct-1", "tok-1"));
        h.logins.pipeInput("acct-1", success("acct-1", "tok-1", NOW.minusSeconds(60)));
        h.tokens.pipeInput("tok-1", TopologyHarness.token("acct-2", "tok-1"));
        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1"))).isNull();
        assertThat(h.registryStore().get(new TokenKey("acct-2", "tok-1"))).isNotNull();
        assertThat(usage("acct-1", "tok-1").retired()).isTrue();
        assertThat(usage("acct-2", "tok-1"))
                .as("usage is per account: it starts afresh in the new one")
                .isNull();

        h.tokens.pipeInput(
                "tok-1", TopologyHarness.token("acct-1", "tok-1")); // and back: the old account's usage is live again
        assertThat(usage("acct-1", "tok-1").retired()).isFalse();
        h.tokens.pipeInput("tok-1", null);
        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1"))).isNull();
        assertThat(h.registryStore().get(new TokenKey("acct-2", "tok-1"))).isNull();
    }

    @Test
    void tokenLastSeenNeverMovesBackwardsAcrossAnAccountMove() {
        h.tokens.pipeInput("tok-1", TopologyHarness.token("acct-1", "tok-1"));
        h.logins.pipeInput("acct-1", success("acct-1", "tok-1", NOW.minusSeconds(10)));
        h.tokens.pipeInput("tok-1", TopologyHarness.token("acct-2", "tok-1"));
        // The new account's usage is empty, so its first success is a first sighting - but it happened earlier.
        h.logins.pipeInput("acct-2", success("acct-2", "tok-1", NOW.minusSeconds(100)));
        h.logins.pipeInput(
                "acct-1",
                success("acct-1", "tok-1", NOW.minusSeconds(50))); // late event of the old account: no advance
        h.logins.pipeInput("acct-2", success("acct-2", "tok-1", NOW.minusSeconds(5)));

        List<TokenLastSeen> patches = h.patches.readValuesToList();
        assertThat(patches)
                .extracting(TokenLastSeen::getLastSeenAt)
                .containsExactly(NOW.minusSeconds(10), NOW.minusSeconds(5));
        assertThat(patches).extracting(TokenLastSeen::getAccountId).containsExactly("acct-1", "acct-2");
        assertThat(usage("acct-2", "tok-1").lastSeenAt())
                .as("usage itself records the older event")
                .isEqualTo(NOW.minusSeconds(5).toEpochMilli());
        assertThat(h.counter("lastseen.patches.emitted")).isEqualTo(2);
    }

    @Test
    void aRegistryRecordKeyedByAnythingButItsTokenIdIsDeadLetteredWithoutItsValue() {
        h.tokens.pipeInput("other", TopologyHarness.token("acct-1", "tok-1"));
        TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON_HEADER)).isEqualTo("key_mismatch");
        assertThat(dead.value()).isNull();
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("other");
        assertThat(header(dead, DeadLetters.VALUE_WITHHELD_HEADER)).isEqualTo("true");
        assertThat(header(dead, DeadLetters.HEADER_TOPIC)).isEqualTo("service-tokens");
        assertThat(header(dead, DeadLetters.HEADER_OFFSET)).isEqualTo("0");
        assertThat(h.registryStore().approximateNumEntries()).isZero();
    }

    @Test
    void undecodableRegistryRecordsAreDeadLetteredWithoutTheirBytesAndWithTheSchemaIdWhenReadable() {
        byte[] token = "tok-1".getBytes(StandardCharsets.UTF_8);
        h.rawTokens.pipeInput(token, "not avro, but s3cr3t-looking".getBytes(StandardCharsets.UTF_8));
        h.rawTokens.pipeInput(token, new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 4});
        h.rawTokens.pipeInput(token, new byte[16 * 1024 + 1]);

        List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
        assertThat(dead)
                .extracting(r -> header(r, DeadLetters.REASON_HEADER))
                .containsExactly("bad_magic_byte", "unknown_schema", "too_large");
        assertThat(dead).allSatisfy(r -> {
            assertThat(r.value()).isNull();
            assertThat(r.key()).isEqualTo(token);
            assertThat(header(r, DeadLetters.VALUE_WITHHELD_HEADER)).isEqualTo("true");
        });
        assertThat(dead.get(0).headers().lastHeader(DeadLetters.SCHEMA_ID_HEADER))
                .isNull();
        assertThat(header(dead.get(1), DeadLetters.SCHEMA_ID_HEADER)).isEqualTo(Integer.toString(0x7f7f));
        assertThat(dead.get(2).headers().lastHeader(DeadLetters.SCHEMA_ID_HEADER))
                .isNotNull(); // all zero bytes: magic byte and id 0
    }

    @Test
    void usageOfTokenIdsThatNeverSucceededExpiresAfterTheRetentionWhileRealTokensStay() {
        h.logins.pipeInput("a", login("a", "guessed", NOW.minus(Duration.ofDays(10)), AuthOutcome.FAILURE));
        h.logins.pipeInput("a", login("a", "guessed-lately", NOW.minus(Duration.ofDays(1)), AuthOutcome.FAILURE));
        h.logins.pipeInput("a", success("a", "real", NOW.minus(Duration.ofDays(30))));
        h.logins.pipeInput("a", login("a", "real", NOW.minus(Duration.ofDays(10)), AuthOutcome.FAILURE));

        h.driver.advanceWallClockTime(UsageProcessor.SWEEP_INTERVAL.plusSeconds(1));

        assertThat(usage("a", "guessed")).isNull();
        assertThat(usage("a", "guessed-lately")).isNotNull();
        assertThat(usage("a", "real").failureCount()).isEqualTo(1);
        assertThat(h.counter("lastseen.usage.never.seen.expired")).isEqualTo(1);
    }

    @Test
    void theGranularityIsConfigurable() {
        try (TopologyHarness fine = new TopologyHarness(TokenStores.persistent(), withGranularity(1_000))) {
            fine.logins.pipeInput("a", success("a", "t", NOW.minusSeconds(5)));
            fine.logins.pipeInput("a", success("a", "t", NOW.minusSeconds(4)));
            assertThat(fine.patches.readValuesToList()).hasSize(2);
        }
    }

    private static java.util.Map<String, Object> withGranularity(long millis) {
        return java.util.Map.of(InputConfig.PATCH_GRANULARITY_MS, millis);
    }
}
