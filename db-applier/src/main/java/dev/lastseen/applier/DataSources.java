package dev.lastseen.applier;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** HikariCP pools from the configuration: the applier's own, and the owner's for migrations. */
public final class DataSources {
    private DataSources() {}

    /** The pool the applier runs with (its own role, statement and lock timeouts on every session). */
    public static HikariDataSource applier(ApplierConfig.Database db) {
        HikariConfig h = base(db, db.user(), db.password(), "lastseen-apply");
        h.setMaximumPoolSize(db.poolMaxSize());
        h.setMinimumIdle(1);
        h.setAutoCommit(false);
        long timeout = db.statementTimeout().toMillis();
        h.setConnectionInitSql("SET statement_timeout = " + timeout + "; SET lock_timeout = " + timeout);
        return new HikariDataSource(h);
    }

    /** A small pool for {@code lastseen apply migrate}, as the configured owner role (Flyway holds two connections: its lock and the migration). */
    public static HikariDataSource owner(ApplierConfig.Database db) {
        if (db.admin().user() == null) {
            throw new IllegalArgumentException("`lastseen apply migrate` needs " + DatabaseConfig.MIGRATE_USER
                    + " (and its password): an owner or admin role, never the applier's");
        }
        HikariConfig h = base(db, db.admin().user(), db.admin().password(), "lastseen-apply-migrate");
        h.setMaximumPoolSize(2);
        return new HikariDataSource(h);
    }

    private static HikariConfig base(ApplierConfig.Database db, String user, String password, String poolName) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(poolName);
        h.setJdbcUrl(db.jdbcUrl());
        h.setUsername(user);
        h.setPassword(password);
        h.setDataSourceProperties(db.driverProperties());
        h.addDataSourceProperty("ApplicationName", poolName);
        h.setConnectionTimeout(db.connectionTimeout().toMillis());
        // Start without a database: the applier reports not-ready and retries; it does not exit.
        h.setInitializationFailTimeout(-1);
        return h;
    }
}
