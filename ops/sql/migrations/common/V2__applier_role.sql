-- The role `lastseen apply` runs as. Created without LOGIN and without any privilege: the layout's
-- migration grants exactly the column privileges it needs, and nothing else. Give it a login with
--   ALTER ROLE lastseen_applier LOGIN PASSWORD '...';
-- or log in as another role that is a member of it (GRANT lastseen_applier TO some_login).
DO $migration$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${applier_role}') THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS', '${applier_role}');
    END IF;
    IF to_regclass(format('%I.%I', '${schema}', '${tokens_table}')) IS NOT NULL THEN
        -- Start from nothing on the token service's table (a previous manual grant would be "more than needed").
        EXECUTE format('REVOKE ALL ON TABLE %I.%I FROM %I', '${schema}', '${tokens_table}', '${applier_role}');
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', '${schema}', '${applier_role}');
END
$migration$;
