-- Layout "usage-table" (recommended): last-seen lives in a table of its own, keyed by token id. The
-- applier can write only this table; the token service's rows, and their secrets, are never touched.
CREATE TABLE "${schema}"."${usage_table}" (
    token_id              text        PRIMARY KEY CHECK (token_id ~ '^[!-~]{1,128}$'),
    last_seen_at          timestamptz NOT NULL,
    last_seen_colo        text        CHECK (char_length(last_seen_colo) <= 64),
    last_seen_ip          text        CHECK (char_length(last_seen_ip) <= 45),
    last_seen_updated_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE "${schema}"."${usage_table}" IS
    'Last successful authentication per token, applied by lastseen apply from the token-last-seen topic. last_seen_at never moves backwards.';

-- The applier's whole privilege set on this table: insert and update the last-seen columns, and read
-- the columns of this table (nothing secret is in it; PostgreSQL requires SELECT on every column an
-- INSERT ... ON CONFLICT DO UPDATE sets from EXCLUDED). No DELETE, no TRUNCATE.
GRANT SELECT (token_id, last_seen_at, last_seen_colo, last_seen_ip, last_seen_updated_at) ON "${schema}"."${usage_table}" TO "${applier_role}";
GRANT INSERT (token_id, last_seen_at, last_seen_colo, last_seen_ip, last_seen_updated_at) ON "${schema}"."${usage_table}" TO "${applier_role}";
GRANT UPDATE (last_seen_at, last_seen_colo, last_seen_ip, last_seen_updated_at) ON "${schema}"."${usage_table}" TO "${applier_role}";

-- When the token service's table is in this database: a usage row exists only for a known token and
-- goes away with it (ON DELETE CASCADE), so the table never outgrows the tokens table. The applier
-- filters patches of unknown token ids itself (lastseen.apply.unknown-tokens=skip), for which it may
-- read the key column of the tokens table, and only that column.
DO $migration$
DECLARE
    tokens regclass := to_regclass(format('%I.%I', '${schema}', '${tokens_table}'));
BEGIN
    IF tokens IS NULL OR '${unknown_tokens}' = 'insert' THEN
        RETURN;
    END IF;
    EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I FOREIGN KEY (token_id) REFERENCES %s (%I) ON DELETE CASCADE',
                   '${schema}', '${usage_table}', '${usage_table}_token_fk', tokens, '${token_id_column}');
    EXECUTE format('GRANT SELECT (%I) ON %s TO %I', '${token_id_column}', tokens, '${applier_role}');
END
$migration$;
