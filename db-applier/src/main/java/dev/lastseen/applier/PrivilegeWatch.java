package dev.lastseen.applier;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up privilege check, again every {@code lastseen.apply.privilege.check.interval.ms} while the
 * applier runs: a grant made after start-up (to the role, to PUBLIC, to a role it can SET ROLE to) must not
 * go unnoticed until the next restart. When the role's privileges grew, {@link #check()} counts it and throws
 * {@link PrivilegeCheck.PrivilegeException} naming every REVOKE to run; the apply loop stops on it and the
 * applier turns unready. A database that does not answer is not a finding: the check runs again next time.
 */
final class PrivilegeWatch {
    /** Never checks: for loops built without a database role to watch (tests of the loop alone). */
    static final PrivilegeWatch NONE = new PrivilegeWatch(null, null, Duration.ofDays(365), null, System::nanoTime);

    private static final Logger log = LoggerFactory.getLogger(PrivilegeWatch.class);
    private final DataSource database;
    private final Target target;
    private final long intervalNanos;
    private final ApplierMetrics metrics;
    private final LongSupplier nanoTime;
    private long nextNanos;

    PrivilegeWatch(
            DataSource database, Target target, Duration interval, ApplierMetrics metrics, LongSupplier nanoTime) {
        this.database = database;
        this.target = target;
        this.intervalNanos = interval.toNanos();
        this.metrics = metrics;
        this.nanoTime = nanoTime;
        this.nextNanos = nanoTime.getAsLong() + intervalNanos;
    }

    /** Runs the check when the interval has passed since the last one; throws when the privileges grew. */
    void check() {
        if (database == null || nanoTime.getAsLong() - nextNanos < 0) {
            return;
        }
        nextNanos = nanoTime.getAsLong() + intervalNanos;
        List<PrivilegeCheck.Finding> findings;
        String role;
        try (Connection c = database.getConnection()) {
            try {
                findings = PrivilegeCheck.findings(c, target);
                role = PrivilegeCheck.currentUser(c);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.warn(
                    "The periodic privilege check could not run ({}); it runs again in {} s",
                    e.getMessage(),
                    Duration.ofNanos(intervalNanos).toSeconds());
            return;
        }
        if (!findings.isEmpty()) {
            metrics.privilegesGrew();
            PrivilegeCheck.PrivilegeException e = new PrivilegeCheck.PrivilegeException(role, findings);
            log.error("The database role's privileges changed while running; applying stopped: {}", e.getMessage());
            throw e;
        }
    }
}
