-- The database's own rule for the secret column of the token service's table: a client secret hash
-- is 16..1024 visible ASCII characters (0x21-0x7E). So an empty, blank or whitespace-only value -- the
-- first incident, which a NOT NULL constraint alone did not stop -- is refused by PostgreSQL itself,
-- whoever writes it. Skipped (with a notice) where the database has no tokens table: the usage-table
-- layout may live in a database of its own, which then holds no secret.
DO $migration$
DECLARE
    tokens regclass := to_regclass(format('%I.%I', '${schema}', '${tokens_table}'));
BEGIN
    IF tokens IS NULL THEN
        RAISE NOTICE 'no table %.% in this database: no secret column to constrain', '${schema}', '${tokens_table}';
        RETURN;
    END IF;
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET NOT NULL', tokens, '${secret_column}');
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = tokens AND conname = '${tokens_table}_secret_hash_visible_ascii') THEN
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (%I ~ %L)', tokens,
                       '${tokens_table}_secret_hash_visible_ascii', '${secret_column}', '^[!-~]+$');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = tokens AND conname = '${tokens_table}_secret_hash_length') THEN
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (char_length(%I) BETWEEN 16 AND 1024)', tokens,
                       '${tokens_table}_secret_hash_length', '${secret_column}');
    END IF;
END
$migration$;
