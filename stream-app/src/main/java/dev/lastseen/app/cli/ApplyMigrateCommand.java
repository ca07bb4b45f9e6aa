package dev.lastseen.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.lastseen.applier.ApplierConfig;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.DataSources;
import dev.lastseen.applier.Migrations;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Apply lastseen's SQL migrations (ops/sql/migrations; Flyway, history table " + Migrations.HISTORY_TABLE
                    + ")",
            "as the owner/admin role lastseen.apply.migrate.jdbc.user, never the applier's: the secret-hash CHECK constraints",
            "of the tokens table, the applier's role and, for the configured layout, its table or columns and column privileges.",
            "Idempotent: applied migrations are skipped."
        })
final class ApplyMigrateCommand implements Callable<Integer> {
    @Option(
            names = "--config",
            required = true,
            description = "The same properties file as `lastseen apply` (plus lastseen.apply.migrate.jdbc.*).")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ApplierConfig cfg = ApplierConfigLoader.load(config, System.getenv());
        try (HikariDataSource owner = DataSources.owner(cfg.database())) {
            int applied = Migrations.migrate(owner, cfg.target());
            spec.commandLine()
                    .getOut()
                    .printf(
                            "lastseen apply migrate: %d migration(s) applied (%s layout, schema %s); role %s has the applier's privileges.%n"
                                    + "Give it a login if it has none: ALTER ROLE %s LOGIN PASSWORD '...';%n",
                            applied,
                            cfg.target().layout().configValue(),
                            cfg.target().schema(),
                            cfg.target().applierRole(),
                            cfg.target().applierRole());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
