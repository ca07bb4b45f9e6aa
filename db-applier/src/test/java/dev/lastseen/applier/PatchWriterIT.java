package dev.lastseen.applier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.applier.testing.ApplierDatabase;
import dev.lastseen.applier.testing.PostgresExtension;
import dev.lastseen.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The set-based update, run as the applier's role on a real PostgreSQL: monotonic (never
 * backwards, whatever the order), idempotent (replays and duplicates change nothing), one
 * collapsed row per token per batch, unknown tokens counted not written, and the secret hash
 * byte-identical throughout. A trigger records every change; no recorded change decreases.
 */
@ExtendWith(PostgresExtension.class)
class PatchWriterIT {
    private static final long T0 = 1_790_000_000_000L;

    @ParameterizedTest
    @EnumSource(Target.Layout.class)
    void replaysDuplicatesAndOlderPatchesNeverMoveLastSeenBackwards(Target.Layout layout, PostgresServer server)
            throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, layout);
        Map<String, String> hashes = hashes(20);
        db.insertTokens(hashes);
        db.installAudit();
        PatchWriter writer = new PatchWriter(db.config().target());
        Random random = new Random(layout.name().hashCode()); // a fixed sequence per layout
        Map<String, Long> oracle = new HashMap<>();
        List<Patch> history = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            List<Patch> batch = new ArrayList<>();
            int size = 1 + random.nextInt(30);
            for (int i = 0; i < size; i++) {
                Patch p;
                if (!history.isEmpty() && random.nextInt(4) == 0) {
                    p = history.get(random.nextInt(history.size())); // a replay of anything seen before
                } else {
                    p = new Patch(
                            "tok-" + random.nextInt(20),
                            T0 + random.nextInt(1_000_000),
                            "colo" + random.nextInt(5),
                            "192.0.2." + random.nextInt(250));
                }
                batch.add(p);
                history.add(p);
                oracle.merge(p.tokenId(), p.lastSeenAt(), Math::max);
            }
            PatchWriter.Result r = apply(db, writer, PatchWriter.collapse(batch));
            assertThat(r.unknown()).isZero();
            assertThat(r.applied() + r.unchanged()).isEqualTo(r.patches());
        }
        assertThat(db.lastSeenByToken()).isEqualTo(oracle);
        assertThat(db.count("SELECT count(*) FROM last_seen_audit WHERE old_at IS NOT NULL AND new_at <= old_at"))
                .as("changes that did not advance")
                .isZero();
        assertThat(db.count("SELECT count(*) FROM last_seen_audit"))
                .isGreaterThan(oracle.size())
                .isLessThan(history.size());
        assertThat(db.secretHashes()).isEqualTo(hashes);

        // Replaying the whole history again, in another order, changes nothing at all.
        long changes = db.count("SELECT count(*) FROM last_seen_audit");
        List<Patch> replay = new ArrayList<>(history);
        Collections.shuffle(replay, random);
        PatchWriter.Result r = apply(db, writer, PatchWriter.collapse(replay));
        assertThat(r.applied()).isZero();
        assertThat(r.unchanged()).isEqualTo(oracle.size());
        assertThat(db.count("SELECT count(*) FROM last_seen_audit")).isEqualTo(changes);
    }

    @Test
    void duplicatesWithinABatchCollapseToTheLatestWithItsColoAndIp() {
        List<Patch> collapsed = PatchWriter.collapse(List.of(
                new Patch("b", 5, "old", "192.0.2.1"),
                new Patch("a", 3, "x", null),
                new Patch("b", 9, "new", "192.0.2.9"),
                new Patch("b", 9, "tie", "192.0.2.10"),
                new Patch("b", 7, "mid", "192.0.2.7")));
        assertThat(collapsed).containsExactly(new Patch("a", 3, "x", null), new Patch("b", 9, "new", "192.0.2.9"));
    }

    @ParameterizedTest
    @EnumSource(Target.Layout.class)
    void patchesForUnknownTokensAreCountedNotWritten(Target.Layout layout, PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, layout);
        db.insertTokens(hashes(2));
        PatchWriter.Result r = apply(
                db,
                new PatchWriter(db.config().target()),
                PatchWriter.collapse(List.of(
                        new Patch("tok-0", T0, "fra1", null),
                        new Patch("tok-9", T0, "fra1", null),
                        new Patch("nope", T0, null, null))));
        assertThat(r.applied()).isEqualTo(1);
        assertThat(r.unknown()).isEqualTo(2);
        assertThat(db.lastSeenByToken()).containsOnlyKeys("tok-0");
    }

    @Test
    void theUsageTableCanInsertUnknownTokensWhenConfiguredWithoutATokensTable(PostgresServer server)
            throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE, true, false);
        PatchWriter.Result r = apply(
                db,
                new PatchWriter(db.config().target()),
                PatchWriter.collapse(List.of(new Patch("tok-9", T0, "fra1", "::1"))));
        assertThat(r.applied()).isEqualTo(1);
        assertThat(r.unknown()).isZero();
        assertThat(db.lastSeenByToken()).containsEntry("tok-9", T0);
    }

    @Test
    void deletingATokenDeletesItsUsageRow(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.insertTokens(hashes(2));
        apply(
                db,
                new PatchWriter(db.config().target()),
                PatchWriter.collapse(List.of(new Patch("tok-0", T0, null, null), new Patch("tok-1", T0, null, null))));
        db.asOwner("DELETE FROM tokens WHERE token_id = 'tok-0'");
        assertThat(db.lastSeenByToken()).containsOnlyKeys("tok-1");
    }

    static PatchWriter.Result apply(ApplierDatabase db, PatchWriter writer, List<Patch> patches) throws SQLException {
        try (Connection c = db.applier().getConnection()) {
            c.setAutoCommit(false);
            PatchWriter.Result r = writer.apply(c, patches);
            c.commit();
            return r;
        }
    }

    static Map<String, String> hashes(int n) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            hashes.put(
                    "tok-" + i,
                    "$2b$10$" + Integer.toHexString(i * 7919 + 0x10000)
                            + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS");
        }
        return hashes;
    }
}
