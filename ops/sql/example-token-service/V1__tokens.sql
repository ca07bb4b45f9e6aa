-- An example of the token service's own table, for `lastseen demo` and the tests. It is NOT part of
-- lastseen's migrations: in production this table belongs to the token service and already exists.
-- Its secret rules are added by lastseen's migration common/V1 (the same as on a real tokens table).
CREATE TABLE "${schema}"."${tokens_table}" (
    "${token_id_column}"  text        PRIMARY KEY,
    account_id            text        NOT NULL,
    name                  text        NOT NULL,
    client_id             text        NOT NULL,
    "${secret_column}"    text        NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    expires_at            timestamptz
);
