package dev.lastseen.applier;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/** Where {@code lastseen apply} writes last-seen: the layout, tables, columns and role. */
public final class TargetConfig {
    public static final String LAYOUT = "lastseen.apply.layout";
    public static final String SCHEMA = "lastseen.apply.schema";
    public static final String USAGE_TABLE = "lastseen.apply.usage.table";
    public static final String TOKENS_TABLE = "lastseen.apply.tokens.table";
    public static final String TOKEN_ID_COLUMN = "lastseen.apply.tokens.column.token-id";
    public static final String SECRET_COLUMN = "lastseen.apply.tokens.column.secret";
    public static final String ROLE = "lastseen.apply.role";
    public static final String UNKNOWN_TOKENS = "lastseen.apply.unknown-tokens";

    private static final String IDENTIFIER_RULE =
            "a lower-case SQL identifier: letters a-z, digits and _, not starting with a digit, at most 63 characters";
    private static final ConfigDef.Validator IDENTIFIER = ConfigDef.LambdaValidator.with(
            (name, value) -> {
                if (value == null
                        || !Target.IDENTIFIER.matcher(value.toString()).matches()) {
                    throw new ConfigException(name, value, "must be " + IDENTIFIER_RULE);
                }
            },
            () -> IDENTIFIER_RULE);

    private TargetConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        LAYOUT,
                        ConfigDef.Type.STRING,
                        Target.Layout.USAGE_TABLE.configValue(),
                        ValidString.in(
                                Target.Layout.USAGE_TABLE.configValue(), Target.Layout.TOKENS_TABLE.configValue()),
                        Importance.HIGH,
                        "usage-table (recommended: a table of its own keyed by token id) or tokens-table (last-seen columns on the tokens table).")
                .define(SCHEMA, ConfigDef.Type.STRING, "public", IDENTIFIER, Importance.MEDIUM, "Schema of the tables.")
                .define(
                        USAGE_TABLE,
                        ConfigDef.Type.STRING,
                        "token_last_seen",
                        IDENTIFIER,
                        Importance.MEDIUM,
                        "The usage table (usage-table layout).")
                .define(
                        TOKENS_TABLE,
                        ConfigDef.Type.STRING,
                        "tokens",
                        IDENTIFIER,
                        Importance.MEDIUM,
                        "The token service's table.")
                .define(
                        TOKEN_ID_COLUMN,
                        ConfigDef.Type.STRING,
                        "token_id",
                        IDENTIFIER,
                        Importance.MEDIUM,
                        "Key column of the tokens table.")
                .define(
                        SECRET_COLUMN,
                        ConfigDef.Type.STRING,
                        "client_secret_hash",
                        IDENTIFIER,
                        Importance.MEDIUM,
                        "Secret column of the tokens table: the migrations add its CHECK constraints; the applier must have no privilege on it.")
                .define(
                        ROLE,
                        ConfigDef.Type.STRING,
                        "lastseen_applier",
                        IDENTIFIER,
                        Importance.MEDIUM,
                        "The role the migrations create and grant the applier's privileges to.")
                .define(
                        UNKNOWN_TOKENS,
                        ConfigDef.Type.STRING,
                        "skip",
                        ValidString.in("skip", "insert"),
                        Importance.MEDIUM,
                        "Patches for token ids the tokens table does not have: skip (counted as unknown_token) or, usage-table layout "
                                + "without a tokens table in the database only, insert.");
    }

    public static Target from(AbstractConfig c) {
        Target.Layout layout = c.getString(LAYOUT).equals(Target.Layout.TOKENS_TABLE.configValue())
                ? Target.Layout.TOKENS_TABLE
                : Target.Layout.USAGE_TABLE;
        boolean insertUnknown = c.getString(UNKNOWN_TOKENS).equals("insert");
        if (insertUnknown && layout == Target.Layout.TOKENS_TABLE) {
            throw new ConfigException(
                    UNKNOWN_TOKENS,
                    "insert",
                    "applies to the usage-table layout only: the tokens-table layout can only update existing rows");
        }
        if (layout == Target.Layout.USAGE_TABLE && c.getString(USAGE_TABLE).equals(c.getString(TOKENS_TABLE))) {
            throw new ConfigException(USAGE_TABLE, c.getString(USAGE_TABLE), "must differ from " + TOKENS_TABLE);
        }
        if (c.getString(TOKEN_ID_COLUMN).equals(c.getString(SECRET_COLUMN))) {
            throw new ConfigException(SECRET_COLUMN, c.getString(SECRET_COLUMN), "must differ from " + TOKEN_ID_COLUMN);
        }
        if (Target.LAST_SEEN_COLUMNS.contains(c.getString(SECRET_COLUMN))) {
            throw new ConfigException(
                    SECRET_COLUMN,
                    c.getString(SECRET_COLUMN),
                    "must not be one of the last-seen columns " + Target.LAST_SEEN_COLUMNS);
        }
        Target target = new Target(
                layout,
                c.getString(SCHEMA),
                c.getString(USAGE_TABLE),
                c.getString(TOKENS_TABLE),
                c.getString(TOKEN_ID_COLUMN),
                c.getString(SECRET_COLUMN),
                c.getString(ROLE),
                insertUnknown);
        return target;
    }
}
