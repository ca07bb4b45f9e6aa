-- The database's rule for the secret column equals lastseen's own secret rule (SecretRule): a client secret
-- hash is visible ASCII (0x21-0x7E), ${secret_min_length}..${secret_max_length} characters, not one character
-- repeated (sixteen asterisks are a placeholder, not a hash), and not a placeholder (compared case-insensitively,
-- ASCII only). The minimum and the placeholders come from lastseen.apply.secret.min.length and
-- lastseen.apply.secret.placeholders (defaults: lastseen's). A repeatable migration: `lastseen apply migrate`
-- re-applies it whenever they change, and the constraint is then checked against every existing row again
-- (it fails, naming the constraint, if a row breaks the new rule).
CREATE OR REPLACE FUNCTION "${schema}".lastseen_secret_hash_usable(v text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $rule$
SELECT v ~ '^[!-~]+$'
   AND char_length(v) BETWEEN ${secret_min_length} AND ${secret_max_length}
   AND v !~ '^(.)\1+$'
   AND NOT (translate(v, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = ANY (
        SELECT convert_from(decode(h, 'hex'), 'UTF8')
        FROM unnest(string_to_array('${secret_placeholders_hex}', ',')) AS h))
$rule$;

DO $migration$
DECLARE
    tokens regclass := to_regclass(format('%I.%I', '${schema}', '${tokens_table}'));
BEGIN
    IF tokens IS NULL THEN
        RAISE NOTICE 'no table %.% in this database: no secret column to constrain', '${schema}', '${tokens_table}';
        RETURN;
    END IF;
    -- The rule subsumes V1's two constraints (visible ASCII, a fixed 16..1024), which a lower minimum would contradict.
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', tokens, '${tokens_table}_secret_hash_visible_ascii');
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', tokens, '${tokens_table}_secret_hash_length');
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', tokens, '${tokens_table}_secret_hash_rule');
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (%I.lastseen_secret_hash_usable(%I))', tokens,
                   '${tokens_table}_secret_hash_rule', '${schema}', '${secret_column}');
END
$migration$;
