package dev.lastseen.app.topology;

import static dev.lastseen.app.topology.TopologyHarness.NOW;
import static dev.lastseen.testing.TestRecords.login;
import static dev.lastseen.testing.TestRecords.success;
import static dev.lastseen.testing.TestRecords.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.errors.DeadLetters;
import dev.lastseen.app.errors.RejectReason;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenStores;
import dev.lastseen.state.TokenView;
import dev.lastseen.state.UsageFields;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class LastSeenTopologyTest {
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
        assertThat(h.counter("lastseen.dlq.records", "reason", RejectReason.FUTURE_TIMESTAMP.code()))
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
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(dead.get(1).value()).isEqualTo(unknownId);
        assertThat(usage("a", "t").successCount()).isEqualTo(1);
    }

    @Test
    void recordsOverTheSizeBoundAreRejectedBeforeDecoding() {
        byte[] huge = new byte[16 * 1024 + 1];
        h.rawLogins.pipeInput("a".getBytes(StandardCharsets.UTF_8), huge);
        assertThat(header(h.deadLetters.readRecord(), DeadLetters.REASON_HEADER))
                .isEqualTo("too_large");
        assertThat(h.counter("lastseen.dlq.records", "reason", RejectReason.TOO_LARGE.code()))
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
    void registryRecordsFillMetadataAndTheReadViewNeverShowsTheSecret() {
        h.tokens.pipeInput("tok-1", token("acct-1", "tok-1", "hash-v1"));
        TokenView view = h.readView().get("acct-1", "tok-1").orElseThrow();
        assertThat(view.metadata().name()).isEqualTo("deploy bot tok-1");
        assertThat(view.usage()).isNull();
        assertThat(view.toString()).doesNotContain("hash-v1");
        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1")).clientSecretHash())
                .isEqualTo("hash-v1");
    }

    @Test
    void emptyAndBlankSecretsAreRejectedAndThePreviousGoodRecordStaysInForce() {
        h.tokens.pipeInput("tok-1", token("acct-1", "tok-1", "hash-good"));
        h.tokens.pipeInput("tok-1", token("acct-1", "tok-1", ""));
        h.tokens.pipeInput("tok-1", token("acct-1", "tok-1", "   "));

        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1")).clientSecretHash())
                .isEqualTo("hash-good");
        List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
        assertThat(dead)
                .extracting(r -> header(r, DeadLetters.REASON_HEADER))
                .containsExactly("blank_secret", "blank_secret");
        assertThat(dead)
                .allSatisfy(
                        r -> assertThat(header(r, DeadLetters.HEADER_MESSAGE)).doesNotContain("hash-good"));
        assertThat(h.counter("lastseen.secret.rejected")).isEqualTo(2);
    }

    @Test
    void aRegistryTombstoneDeletesTheRegistryFieldsButKeepsUsage() {
        h.tokens.pipeInput("tok-1", token("acct-1", "tok-1", "hash"));
        h.logins.pipeInput("acct-1", success("acct-1", "tok-1", NOW));
        h.tokens.pipeInput("tok-1", null);

        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1"))).isNull();
        assertThat(usage("acct-1", "tok-1").successCount()).isEqualTo(1);
        assertThat(h.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aTokenThatMovesAccountIsRemovedFromTheOldAccount() {
        h.tokens.pipeInput("tok-1", token("acct-1", "tok-1", "hash"));
        h.tokens.pipeInput("tok-1", token("acct-2", "tok-1", "hash"));
        assertThat(h.registryStore().get(new TokenKey("acct-1", "tok-1"))).isNull();
        assertThat(h.registryStore().get(new TokenKey("acct-2", "tok-1"))).isNotNull();
        h.tokens.pipeInput("tok-1", null);
        assertThat(h.registryStore().get(new TokenKey("acct-2", "tok-1"))).isNull();
    }

    @Test
    void aRegistryRecordKeyedByAnythingButItsTokenIdIsDeadLettered() {
        h.tokens.pipeInput("other", token("acct-1", "tok-1", "hash"));
        TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON_HEADER)).isEqualTo("key_mismatch");
        assertThat(dead.value()).isNotEmpty();
        assertThat(h.registryStore().approximateNumEntries()).isZero();
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
        return java.util.Map.of(ConfigLoader.PATCH_GRANULARITY_MS, millis);
    }
}
