package dev.lastseen.applier;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where patches go: the layout, the tables and columns, and the role the applier runs as.
 * Every name is a validated SQL identifier (lower-case, so PostgreSQL's folding never changes
 * it), which is what makes it safe to put into statements and migrations.
 *
 * @param layout        which of the two documented layouts
 * @param schema        schema of both tables
 * @param usageTable    the usage table of {@link Layout#USAGE_TABLE}
 * @param tokensTable   the token service's table: the target of {@link Layout#TOKENS_TABLE}; for
 *                      {@link Layout#USAGE_TABLE} the table of known tokens (unless unknown tokens are inserted)
 * @param tokenIdColumn key column of the tokens table
 * @param secretColumn  the secret column of the tokens table, which the applier must have no privilege on
 * @param applierRole   the role the migrations grant the applier's privileges to
 * @param insertUnknownTokens usage-table layout only: insert rows for token ids the tokens table does not have
 */
public record Target(
        Layout layout,
        String schema,
        String usageTable,
        String tokensTable,
        String tokenIdColumn,
        String secretColumn,
        String applierRole,
        boolean insertUnknownTokens,
        SecretHashRule secretRule) {
    /** Lower-case letters, digits and underscores, not starting with a digit, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1). */
    public static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** The last-seen columns, the same in both layouts: the only columns the applier may write. */
    public static final String LAST_SEEN_AT = "last_seen_at";

    public static final String LAST_SEEN_COLO = "last_seen_colo";
    public static final String LAST_SEEN_IP = "last_seen_ip";
    public static final String LAST_SEEN_UPDATED_AT = "last_seen_updated_at";
    public static final List<String> LAST_SEEN_COLUMNS =
            List.of(LAST_SEEN_AT, LAST_SEEN_COLO, LAST_SEEN_IP, LAST_SEEN_UPDATED_AT);
    /** Key column of the usage table. */
    public static final String USAGE_TOKEN_ID = "token_id";

    /** The two documented layouts. */
    public enum Layout {
        /** Recommended: a table of its own keyed by token id; the token service's rows are never touched. */
        USAGE_TABLE,
        /** Last-seen columns on the token service's own table, updated by column-level privileges. */
        TOKENS_TABLE;

        public String configValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Flyway location (under {@code db/lastseen/migrations}) of this layout's migrations. */
        String migrationsDirectory() {
            return configValue();
        }
    }

    /** With lastseen's default secret rule. */
    public Target(
            Layout layout,
            String schema,
            String usageTable,
            String tokensTable,
            String tokenIdColumn,
            String secretColumn,
            String applierRole,
            boolean insertUnknownTokens) {
        this(
                layout,
                schema,
                usageTable,
                tokensTable,
                tokenIdColumn,
                secretColumn,
                applierRole,
                insertUnknownTokens,
                SecretHashRule.DEFAULT);
    }

    public Target {
        for (Map.Entry<String, String> name : Map.of(
                        "schema",
                        schema,
                        "usageTable",
                        usageTable,
                        "tokensTable",
                        tokensTable,
                        "tokenIdColumn",
                        tokenIdColumn,
                        "secretColumn",
                        secretColumn,
                        "applierRole",
                        applierRole)
                .entrySet()) {
            if (name.getValue() == null || !IDENTIFIER.matcher(name.getValue()).matches()) {
                throw new IllegalArgumentException(name.getKey() + " is not a lower-case SQL identifier");
            }
        }
        if (insertUnknownTokens && layout == Layout.TOKENS_TABLE) {
            throw new IllegalArgumentException("inserting unknown tokens applies to the usage-table layout only");
        }
    }

    /** The table the applier writes. */
    public String writtenTable() {
        return layout == Layout.USAGE_TABLE ? usageTable : tokensTable;
    }

    /** The key column of the table the applier writes. */
    public String writtenKeyColumn() {
        return layout == Layout.USAGE_TABLE ? USAGE_TOKEN_ID : tokenIdColumn;
    }

    /** Whether patches for token ids the tokens table lacks are filtered out (and counted) rather than written. */
    public boolean filtersUnknownTokens() {
        return layout == Layout.TOKENS_TABLE || !insertUnknownTokens;
    }

    static String quoted(String identifier) {
        return '"' + identifier + '"';
    }

    String qualified(String table) {
        return quoted(schema) + "." + quoted(table);
    }
}
