-- Layout "tokens-table": last-seen columns on the token service's own table. The applier's role may
-- update these four columns and read the key and last_seen_at; it has no privilege on any other
-- column, so PostgreSQL itself refuses it the secret (permission denied), whatever statement it sends.
ALTER TABLE "${schema}"."${tokens_table}"
    ADD COLUMN IF NOT EXISTS last_seen_at         timestamptz,
    ADD COLUMN IF NOT EXISTS last_seen_colo       text CHECK (char_length(last_seen_colo) <= 64),
    ADD COLUMN IF NOT EXISTS last_seen_ip         text CHECK (char_length(last_seen_ip) <= 45),
    ADD COLUMN IF NOT EXISTS last_seen_updated_at timestamptz;

GRANT SELECT ("${token_id_column}", last_seen_at) ON "${schema}"."${tokens_table}" TO "${applier_role}";
GRANT UPDATE (last_seen_at, last_seen_colo, last_seen_ip, last_seen_updated_at) ON "${schema}"."${tokens_table}" TO "${applier_role}";
