package dev.lastseen.applier;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies a batch of patches with one set-based statement: the batch travels as four arrays
 * ({@code unnest}), so a batch is one round trip whatever its size. The statement names only
 * the last-seen columns and is guarded by {@code last_seen_at < new value}: a replayed,
 * duplicated or older patch changes nothing (GREATEST semantics, never backwards), which is what
 * makes redelivery after a crash, a rebalance or a database outage harmless.
 *
 * <p>Patches for token ids the tokens table does not have are counted, not written (unless the
 * usage table is configured to insert them). The caller owns the transaction.
 */
final class PatchWriter {
    private final String sql;

    PatchWriter(Target target) {
        this.sql = statement(target);
    }

    /** What one batch did. {@code appliedLastSeenAt}: the new {@code last_seen_at} (epoch ms) of every row written. */
    record Result(int patches, int known, List<Long> appliedLastSeenAt) {
        Result {
            appliedLastSeenAt = List.copyOf(appliedLastSeenAt);
        }

        int applied() {
            return appliedLastSeenAt.size();
        }

        int unchanged() {
            return known - applied();
        }

        int unknown() {
            return patches - known;
        }
    }

    /** One patch per token id, the latest; sorted by token id so concurrent writers lock rows in the same order. */
    static List<Patch> collapse(Collection<Patch> patches) {
        Map<String, Patch> latest = new TreeMap<>();
        for (Patch p : patches) {
            latest.merge(p.tokenId(), p, Patch::later);
        }
        return new ArrayList<>(latest.values());
    }

    /** Applies already collapsed patches (at most one per token id) inside the caller's transaction. */
    Result apply(Connection connection, List<Patch> patches) throws SQLException {
        int n = patches.size();
        String[] ids = new String[n];
        Long[] at = new Long[n];
        String[] colos = new String[n];
        String[] ips = new String[n];
        for (int i = 0; i < n; i++) {
            Patch p = patches.get(i);
            ids[i] = p.tokenId();
            at[i] = p.lastSeenAt();
            colos[i] = p.colo();
            ips[i] = p.ip();
        }
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, connection.createArrayOf("text", ids));
            ps.setArray(2, connection.createArrayOf("int8", at));
            ps.setArray(3, connection.createArrayOf("text", colos));
            ps.setArray(4, connection.createArrayOf("text", ips));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int known = rs.getInt(1);
                Array applied = rs.getArray(2);
                Object[] values = (Object[]) applied.getArray();
                List<Long> appliedAt = new ArrayList<>(values.length);
                for (Object v : values) {
                    appliedAt.add(((Number) v).longValue());
                }
                return new Result(n, known, appliedAt);
            }
        }
    }

    static String statement(Target t) {
        String input = """
                WITH input AS (
                    SELECT u.token_id, timestamptz 'epoch' + u.ms * interval '1 millisecond' AS last_seen_at, u.colo, u.ip
                    FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[]) AS u(token_id, ms, colo, ip)),
                """;
        String known = t.filtersUnknownTokens()
                ? "known AS (SELECT i.* FROM input i WHERE EXISTS (SELECT 1 FROM %s k WHERE k.%s = i.token_id)),\n"
                        .formatted(t.qualified(t.tokensTable()), Target.quoted(t.tokenIdColumn()))
                : "known AS (SELECT * FROM input),\n";
        String returning = "RETURNING (extract(epoch FROM target." + Target.LAST_SEEN_AT + ") * 1000)::bigint AS ms)\n";
        String write = t.layout() == Target.Layout.USAGE_TABLE
                ? """
                written AS (
                    INSERT INTO %1$s AS target (%2$s, %3$s, %4$s, %5$s, %6$s)
                    SELECT token_id, last_seen_at, colo, ip, now() FROM known ORDER BY token_id
                    ON CONFLICT (%2$s) DO UPDATE SET %3$s = excluded.%3$s, %4$s = excluded.%4$s, %5$s = excluded.%5$s, %6$s = excluded.%6$s
                    WHERE target.%3$s < excluded.%3$s
                """.formatted(
                                t.qualified(t.usageTable()),
                                Target.USAGE_TOKEN_ID,
                                Target.LAST_SEEN_AT,
                                Target.LAST_SEEN_COLO,
                                Target.LAST_SEEN_IP,
                                Target.LAST_SEEN_UPDATED_AT)
                : """
                written AS (
                    UPDATE %1$s AS target SET %3$s = k.last_seen_at, %4$s = k.colo, %5$s = k.ip, %6$s = now()
                    FROM known k
                    WHERE target.%2$s = k.token_id AND (target.%3$s IS NULL OR target.%3$s < k.last_seen_at)
                """.formatted(
                                t.qualified(t.tokensTable()),
                                Target.quoted(t.tokenIdColumn()),
                                Target.LAST_SEEN_AT,
                                Target.LAST_SEEN_COLO,
                                Target.LAST_SEEN_IP,
                                Target.LAST_SEEN_UPDATED_AT);
        return input + known + write + "    " + returning
                + "SELECT (SELECT count(*) FROM known), (SELECT coalesce(array_agg(ms), '{}') FROM written)";
    }
}
