package dev.lastseen.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lastseen.applier.testing.ApplierDatabase;
import dev.lastseen.applier.testing.PostgresExtension;
import dev.lastseen.postgres.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The start-up self-check: exactly the migrations' privileges pass; any privilege more (on the
 * secret column, the whole table, through PUBLIC, a group role or pg_write_all_data; ownership;
 * superuser) or less is refused with the statement that fixes it -- and running the printed
 * statements makes the check pass, so they are exact.
 */
@ExtendWith(PostgresExtension.class)
class PrivilegeCheckIT {

    @ParameterizedTest
    @EnumSource(Target.Layout.class)
    void theMigratedRoleHasExactlyTheApplierPrivileges(Target.Layout layout, PostgresServer server)
            throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, layout);
        assertThat(findings(db)).isEmpty();
    }

    @Test
    void aSelectGrantOnTheSecretColumnIsRefusedAndTheRevokeIsNamed(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.TOKENS_TABLE);
        db.asOwner("GRANT SELECT (client_secret_hash) ON tokens TO " + db.role());

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("SELECT on tokens.client_secret_hash -- this reaches the secret column client_secret_hash")
                .contains("REVOKE SELECT (client_secret_hash) ON TABLE tokens FROM " + db.role() + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void aTableLevelUpdateIsRefusedWithTheRevokeAndTheColumnGrantsToKeep(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.TOKENS_TABLE);
        db.asOwner("GRANT UPDATE ON tokens TO " + db.role());

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("UPDATE on tokens (the whole table) -- this reaches the secret column")
                .contains("REVOKE UPDATE ON TABLE tokens FROM " + db.role() + ";")
                .contains(
                        "GRANT UPDATE (last_seen_at, last_seen_colo, last_seen_ip, last_seen_updated_at) ON TABLE tokens TO "
                                + db.role() + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void privilegesThroughPublicAGroupRoleOrPgWriteAllDataCountToo(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        String group = db.role() + "_group";
        db.asOwner(
                "GRANT DELETE ON token_last_seen TO PUBLIC",
                "CREATE ROLE " + group,
                "GRANT SELECT ON tokens TO " + group,
                "GRANT " + group + " TO " + db.role(),
                "GRANT pg_write_all_data TO " + db.role());

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("REVOKE DELETE ON TABLE token_last_seen FROM PUBLIC;")
                .contains("REVOKE SELECT ON TABLE tokens FROM " + group + ";")
                .contains("REVOKE pg_write_all_data FROM " + db.role() + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void superuserAndOwnershipAreRefused(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.asOwner("ALTER TABLE token_last_seen OWNER TO " + db.role());
        assertThat(refused(db).getMessage())
                .contains("the role owns token_last_seen")
                .contains("ALTER TABLE token_last_seen OWNER TO");
        db.asOwner("ALTER TABLE token_last_seen OWNER TO postgres", "ALTER ROLE " + db.role() + " SUPERUSER");
        try {
            assertThat(refused(db).getMessage())
                    .contains("the role has SUPERUSER")
                    .contains("ALTER ROLE " + db.role() + " NOSUPERUSER;");
        } finally {
            db.asOwner("ALTER ROLE " + db.role() + " NOSUPERUSER");
        }
    }

    @Test
    void aMissingPrivilegeIsRefusedWithTheGrant(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.asOwner("REVOKE UPDATE (last_seen_ip) ON token_last_seen FROM " + db.role());

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("missing UPDATE on token_last_seen.last_seen_ip")
                .contains("GRANT UPDATE (last_seen_ip) ON TABLE token_last_seen TO " + db.role() + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void createOnTheSchemaIsRefused(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.asOwner("GRANT CREATE ON SCHEMA public TO " + db.role());
        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("CREATE on schema public")
                .contains("REVOKE CREATE ON SCHEMA public FROM " + db.role() + ";");
    }

    @Test
    void aNoInheritMembershipUsableThroughSetRoleCountsAndTheRevokeIsNamed(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.TOKENS_TABLE);
        String reader = db.role() + "_reader";
        db.asOwner(
                "CREATE ROLE " + reader,
                "GRANT SELECT (client_secret_hash) ON tokens TO " + reader,
                "GRANT " + reader + " TO " + db.role() + " WITH INHERIT FALSE");

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("SELECT on tokens.client_secret_hash -- this reaches the secret column")
                .contains("REVOKE SELECT (client_secret_hash) ON TABLE tokens FROM " + reader + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void membershipInASuperuserRoleIsRefusedEvenWithoutInherit(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        String admin = db.role() + "_admin";
        db.asOwner(
                "CREATE ROLE " + admin + " SUPERUSER NOLOGIN",
                "GRANT " + admin + " TO " + db.role() + " WITH INHERIT FALSE");

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("the role is a member of " + admin + ", which has SUPERUSER")
                .contains("REVOKE " + admin + " FROM " + db.role() + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void theServerFileAndProgramRolesAreRefused(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.asOwner("GRANT pg_execute_server_program TO " + db.role(), "GRANT pg_read_server_files TO " + db.role());

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("the role is a member of pg_execute_server_program")
                .contains("the role is a member of pg_read_server_files")
                .contains("REVOKE pg_execute_server_program FROM " + db.role() + ";")
                .contains("REVOKE pg_read_server_files FROM " + db.role() + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void defaultPrivilegesThatWouldGrantFutureTablesAreRefused(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.asOwner("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + db.role());

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("IN SCHEMA public grant SELECT on new TABLES to " + db.role())
                .contains("ALTER DEFAULT PRIVILEGES FOR ROLE ")
                .contains(" IN SCHEMA public REVOKE SELECT ON TABLES FROM " + db.role() + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void executeOnASecurityDefinerFunctionIsRefused(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.TOKENS_TABLE);
        db.asOwner("CREATE FUNCTION public.secret_of(id text) RETURNS text LANGUAGE sql SECURITY DEFINER "
                + "AS 'SELECT client_secret_hash FROM tokens WHERE token_id = id'");

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("EXECUTE on SECURITY DEFINER function secret_of(text)")
                .contains("REVOKE EXECUTE ON FUNCTION secret_of(text) FROM PUBLIC;");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void aPrivilegeOnASequenceIsRefused(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.asOwner("CREATE SEQUENCE token_numbers", "GRANT USAGE ON SEQUENCE token_numbers TO " + db.role());

        PrivilegeCheck.PrivilegeException e = refused(db);
        assertThat(e.getMessage())
                .contains("USAGE on sequence token_numbers")
                .contains("REVOKE USAGE ON SEQUENCE token_numbers FROM " + db.role() + ";");
        assertFixesMakeTheCheckPass(db, e);
    }

    @Test
    void theRunningCheckFindsAGrantMadeAfterStartUpOnceTheIntervalHasPassedAndCountsIt(PostgresServer server)
            throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.TOKENS_TABLE);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ApplierMetrics metrics = new ApplierMetrics(meters, new ApplierHealth());
        AtomicLong now = new AtomicLong();
        PrivilegeWatch watch =
                new PrivilegeWatch(db.applier(), db.config().target(), Duration.ofMinutes(5), metrics, now::get);
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        watch.check(); // exactly the applier's privileges: passes

        db.asOwner("GRANT SELECT (client_secret_hash) ON tokens TO PUBLIC");
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        watch.check(); // not yet due
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        PrivilegeCheck.PrivilegeException e =
                catchThrowableOfType(PrivilegeCheck.PrivilegeException.class, watch::check);

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("REVOKE SELECT (client_secret_hash) ON TABLE tokens FROM PUBLIC;");
        assertThat(meters.get("lastseen.apply.privilege.check.failures")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    private static List<PrivilegeCheck.Finding> findings(ApplierDatabase db) throws SQLException {
        try (Connection c = db.applier().getConnection()) {
            return PrivilegeCheck.findings(c, db.config().target());
        }
    }

    private static PrivilegeCheck.PrivilegeException refused(ApplierDatabase db) throws SQLException {
        try (Connection c = db.applier().getConnection()) {
            PrivilegeCheck.PrivilegeException e = catchThrowableOfType(
                    PrivilegeCheck.PrivilegeException.class,
                    () -> PrivilegeCheck.verify(c, db.config().target()));
            assertThat(e).as("the check refuses the role").isNotNull();
            return e;
        }
    }

    /** Runs exactly the statements the message printed, as the owner; afterwards the role passes. */
    private static void assertFixesMakeTheCheckPass(ApplierDatabase db, PrivilegeCheck.PrivilegeException e)
            throws SQLException {
        List<String> statements = e.findings().stream()
                .flatMap(f -> f.fixes().stream())
                .distinct()
                .toList();
        assertThat(statements)
                .isNotEmpty()
                .allSatisfy(s -> assertThat(e.getMessage()).contains(s));
        db.asOwner(statements.toArray(String[]::new));
        assertThatCode(() -> {
                    try (Connection c = db.applier().getConnection()) {
                        PrivilegeCheck.verify(c, db.config().target());
                    }
                })
                .doesNotThrowAnyException();
    }
}
