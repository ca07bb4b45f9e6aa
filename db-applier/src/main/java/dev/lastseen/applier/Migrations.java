package dev.lastseen.applier;

import dev.lastseen.config.SecretDefaults;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The schema changes of {@code ops/sql/migrations} (packaged into the jar), run with Flyway by
 * {@code lastseen apply migrate} as an owner or admin role: the common migrations (secret-hash
 * CHECK constraints, the applier's role) and those of the configured layout. Names come from the
 * configuration as Flyway placeholders; they are validated SQL identifiers.
 */
public final class Migrations {
    /** Flyway's history table of lastseen's migrations: it never clashes with the token service's own. */
    public static final String HISTORY_TABLE = "lastseen_schema_history";

    static final String LOCATION = "classpath:db/lastseen/migrations/";
    static final String EXAMPLE_LOCATION = "classpath:db/lastseen/example-token-service";

    private Migrations() {}

    /** Applies lastseen's pending migrations for the target's layout; returns how many ran. */
    public static int migrate(DataSource owner, Target target) {
        MigrateResult result = Flyway.configure()
                .dataSource(owner)
                .locations(LOCATION + "common", LOCATION + target.layout().migrationsDirectory())
                .table(HISTORY_TABLE)
                .schemas(target.schema())
                .createSchemas(false)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholders(placeholders(target))
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    /**
     * The example tokens table of a token service (its own history table), for the demo and the
     * tests: a real deployment already has its tokens table and never runs this.
     */
    public static void createExampleTokensTable(DataSource owner, Target target) {
        Flyway.configure()
                .dataSource(owner)
                .locations(EXAMPLE_LOCATION)
                .table("example_token_service_schema_history")
                .schemas(target.schema())
                .createSchemas(false)
                .placeholders(placeholders(target))
                .load()
                .migrate();
    }

    static Map<String, String> placeholders(Target t) {
        return Map.of(
                "schema",
                t.schema(),
                "usage_table",
                t.usageTable(),
                "tokens_table",
                t.tokensTable(),
                "token_id_column",
                t.tokenIdColumn(),
                "secret_column",
                t.secretColumn(),
                "applier_role",
                t.applierRole(),
                "unknown_tokens",
                t.insertUnknownTokens() ? "insert" : "skip",
                "secret_min_length",
                Integer.toString(t.secretRule().minLength()),
                "secret_max_length",
                Integer.toString(SecretDefaults.MAX_LENGTH),
                "secret_placeholders_hex",
                t.secretRule().placeholdersHex());
    }
}
