package dev.lastseen.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The applier's start-up check of its own role: it must have exactly the column privileges the
 * migrations grant (read the key and {@code last_seen_at}, write the last-seen columns) and
 * nothing more: no table-level privilege anywhere, no privilege on any other column (the secret
 * above all), no ownership, no superuser, BYPASSRLS, CREATEROLE, CREATEDB or REPLICATION, no
 * CREATE on a schema or the database. Everything is asked of PostgreSQL itself
 * ({@code has_table_privilege}, {@code has_column_privilege}, the ACLs in {@code pg_class} and
 * {@code pg_attribute}), so privileges inherited from PUBLIC, from a group role or from
 * {@code pg_write_all_data} count too. Each finding carries the statement that fixes it.
 */
final class PrivilegeCheck {
    private static final List<String> TABLE_PRIVILEGES =
            List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER");
    private static final List<String> COLUMN_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "REFERENCES");
    /** Tables, views and foreign tables outside the system schemas (c: pg_class, n: pg_namespace). */
    private static final String USER_RELATIONS = "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' ";
    /**
     * The roles whose privileges the applier's role can use (r: pg_roles): itself, and every role it is a member of,
     * inherited or not: a NOINHERIT membership is one {@code SET ROLE} away. A superuser role among them is reported
     * on its own ({@link #memberships}) rather than as every privilege there is.
     */
    private static final String USABLE_ROLE =
            "(r.rolname = current_user OR (pg_has_role(current_user, r.oid, 'MEMBER') AND NOT r.rolsuper))";
    /** Predefined roles that reach any file or program of the server, so the secret whatever the ACLs say. */
    private static final List<String> SERVER_ACCESS_ROLES =
            List.of("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files");

    private static final List<String> SEQUENCE_PRIVILEGES = List.of("USAGE", "SELECT", "UPDATE");

    /** One privilege too many or too few, and the statement an owner runs to fix it. */
    record Finding(String problem, List<String> fixes) {}

    /** The applier's role must not start: what is wrong and what to run. */
    static final class PrivilegeException extends RuntimeException {
        private final List<Finding> findings;

        PrivilegeException(String role, List<Finding> findings) {
            super(message(role, findings));
            this.findings = List.copyOf(findings);
        }

        List<Finding> findings() {
            return findings;
        }

        private static String message(String role, List<Finding> findings) {
            StringBuilder m = new StringBuilder("the database role ")
                    .append(role)
                    .append(
                            " must have exactly the applier's column privileges, and has not (see ops/sql/README.md). Found:");
            Set<String> fixes = new LinkedHashSet<>();
            for (Finding f : findings) {
                m.append("\n  - ").append(f.problem());
                fixes.addAll(f.fixes());
            }
            m.append("\nRun as the tables' owner or an admin, then start again:");
            fixes.forEach(fix -> m.append("\n  ").append(fix));
            return m.toString();
        }
    }

    /** A privilege on a table (column null) or one of its columns. */
    private record Privilege(String table, String column, String privilege) {
        String describe() {
            return privilege + " on " + table + (column == null ? " (the whole table)" : "." + column);
        }

        String onClause() {
            return privilege + (column == null ? "" : " (" + column + ")") + " ON TABLE " + table;
        }
    }

    private PrivilegeCheck() {}

    /** Throws {@link PrivilegeException} naming every excess or missing privilege and its fix. */
    static void verify(Connection c, Target target) throws SQLException {
        List<Finding> findings = findings(c, target);
        if (!findings.isEmpty()) {
            throw new PrivilegeException(currentUser(c), findings);
        }
    }

    static List<Finding> findings(Connection c, Target target) throws SQLException {
        String role = currentUser(c);
        List<Finding> findings = new ArrayList<>(roleAttributes(c, role));
        Map<Privilege, Boolean> allowed = allowed(c, target);
        Set<String> tableLevel = new LinkedHashSet<>();
        for (Privilege p : tableLevelPrivileges(c)) {
            tableLevel.add(p.table() + "/" + p.privilege());
            List<String> fixes = new ArrayList<>(revokes(c, p, role));
            List<String> needed = allowed.keySet().stream()
                    .filter(a -> a.table().equals(p.table()) && a.privilege().equals(p.privilege()))
                    .map(Privilege::column)
                    .toList();
            if (!needed.isEmpty()) {
                fixes.add("GRANT " + p.privilege() + " (" + String.join(", ", needed) + ") ON TABLE " + p.table()
                        + " TO " + role + ";");
            }
            findings.add(new Finding(p.describe() + secretNote(target, p, c), fixes));
        }
        for (Privilege p : columnPrivileges(c)) {
            if (allowed.containsKey(p)) {
                allowed.put(p, true);
            } else if (!tableLevel.contains(p.table() + "/" + p.privilege())) {
                findings.add(new Finding(p.describe() + secretNote(target, p, c), revokes(c, p, role)));
            }
        }
        allowed.forEach((p, present) -> {
            if (!present) {
                findings.add(new Finding(
                        "missing " + p.describe(),
                        List.of("GRANT " + p.onClause() + " TO " + role + ";   -- or run `lastseen apply migrate`")));
            }
        });
        findings.addAll(ownership(c));
        findings.addAll(creation(c, role));
        findings.addAll(memberships(c, role));
        findings.addAll(defaultPrivileges(c));
        findings.addAll(securityDefinerFunctions(c, role));
        findings.addAll(sequences(c, role));
        return findings;
    }

    /** The exact column privileges the applier needs, each marked not-yet-seen. Tables missing from the database are reported by the caller's first statement. */
    private static Map<Privilege, Boolean> allowed(Connection c, Target t) throws SQLException {
        Map<Privilege, Boolean> allowed = new LinkedHashMap<>();
        String written = regclass(c, t, t.writtenTable());
        String key = t.writtenKeyColumn();
        allowed.put(new Privilege(written, key, "SELECT"), false);
        allowed.put(new Privilege(written, Target.LAST_SEEN_AT, "SELECT"), false);
        for (String column : Target.LAST_SEEN_COLUMNS) {
            allowed.put(new Privilege(written, column, "UPDATE"), false);
        }
        if (t.layout() == Target.Layout.USAGE_TABLE) {
            allowed.put(new Privilege(written, key, "INSERT"), false);
            for (String column : Target.LAST_SEEN_COLUMNS) {
                allowed.put(new Privilege(written, column, "INSERT"), false);
                // ON CONFLICT DO UPDATE SET c = EXCLUDED.c needs SELECT on c; the usage table holds nothing else.
                allowed.put(new Privilege(written, column, "SELECT"), false);
            }
            if (t.filtersUnknownTokens()) {
                allowed.put(new Privilege(regclass(c, t, t.tokensTable()), t.tokenIdColumn(), "SELECT"), false);
            }
        }
        return allowed;
    }

    private static String regclass(Connection c, Target t, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)::text")) {
            ps.setString(1, t.qualified(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String name = rs.getString(1);
                if (name == null) {
                    throw new IllegalStateException(
                            "table " + t.schema() + "." + table + " does not exist (or the role " + currentUser(c)
                                    + " cannot see it): run `lastseen apply migrate` as the schema owner first");
                }
                return name;
            }
        }
    }

    static String currentUser(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(current_user)");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<Finding> roleAttributes(Connection c, String role) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication FROM pg_roles WHERE rolname = current_user");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            String[] attribute = {"SUPERUSER", "BYPASSRLS", "CREATEROLE", "CREATEDB", "REPLICATION"};
            for (int i = 0; i < attribute.length; i++) {
                if (rs.getBoolean(i + 1)) {
                    findings.add(new Finding(
                            "the role has " + attribute[i],
                            List.of("ALTER ROLE " + role + " NO" + attribute[i] + ";")));
                }
            }
        }
        return findings;
    }

    private static List<Privilege> tableLevelPrivileges(Connection c) throws SQLException {
        List<Privilege> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid::regclass::text, p.privilege "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN unnest(?::text[]) AS p(privilege) "
                + USER_RELATIONS + " AND EXISTS (SELECT 1 FROM pg_roles r WHERE " + USABLE_ROLE
                + " AND has_table_privilege(r.oid, c.oid, p.privilege)) "
                + "ORDER BY 1, 2")) {
            ps.setArray(1, c.createArrayOf("text", TABLE_PRIVILEGES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Privilege(rs.getString(1), null, rs.getString(2)));
                }
            }
        }
        return found;
    }

    private static List<Privilege> columnPrivileges(Connection c) throws SQLException {
        List<Privilege> found = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT c.oid::regclass::text, quote_ident(a.attname), p.privilege "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                        + "CROSS JOIN unnest(?::text[]) AS p(privilege) "
                        + USER_RELATIONS + " AND EXISTS (SELECT 1 FROM pg_roles r WHERE " + USABLE_ROLE
                        + " AND has_column_privilege(r.oid, c.oid, a.attnum, p.privilege)) "
                        + "ORDER BY 1, a.attnum, 3")) {
            ps.setArray(1, c.createArrayOf("text", COLUMN_PRIVILEGES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Privilege(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return found;
    }

    /**
     * The REVOKE statements that take the privilege away: one per ACL entry that grants it to
     * the role itself, to PUBLIC or to a role it is a member of; or, when no ACL grants it, the
     * memberships of the predefined roles that do ({@code pg_read_all_data}, {@code pg_write_all_data}).
     */
    private static List<String> revokes(Connection c, Privilege p, String role) throws SQLException {
        Set<String> fixes = new LinkedHashSet<>(aclRevokes(c, p));
        if (p.column() != null) {
            // A column privilege can come from the table-level ACL too.
            fixes.addAll(aclRevokes(c, new Privilege(p.table(), null, p.privilege())));
        }
        if (fixes.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT quote_ident(rolname) FROM pg_roles "
                                    + "WHERE rolname IN ('pg_read_all_data', 'pg_write_all_data') AND pg_has_role(current_user, oid, 'MEMBER')");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fixes.add("REVOKE " + rs.getString(1) + " FROM " + role + ";");
                }
            }
        }
        if (fixes.isEmpty()) {
            fixes.add("-- " + p.describe()
                    + " comes from ownership or a role membership: see the ownership finding, or \\drg " + role
                    + " in psql");
        }
        return new ArrayList<>(fixes);
    }

    /** REVOKE statements for the ACL entries granting the privilege to the role, to PUBLIC or to a role it is a member of. */
    private static List<String> aclRevokes(Connection c, Privilege p) throws SQLException {
        String sql = p.column() == null
                ? "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END FROM pg_class c, aclexplode(c.relacl) a "
                        + "LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE c.oid = ?::regclass AND a.privilege_type = ? "
                        + "AND (a.grantee = 0 OR pg_has_role(current_user, a.grantee, 'MEMBER'))"
                : "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END FROM pg_attribute att, aclexplode(att.attacl) a "
                        + "LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE att.attrelid = ?::regclass AND quote_ident(att.attname) = ? "
                        + "AND a.privilege_type = ? AND (a.grantee = 0 OR pg_has_role(current_user, a.grantee, 'MEMBER'))";
        List<String> fixes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, p.table());
            if (p.column() == null) {
                ps.setString(2, p.privilege());
            } else {
                ps.setString(2, p.column());
                ps.setString(3, p.privilege());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fixes.add("REVOKE " + p.onClause() + " FROM " + rs.getString(1) + ";");
                }
            }
        }
        return fixes;
    }

    private static String secretNote(Target t, Privilege p, Connection c) throws SQLException {
        String tokens = regclassOrNull(c, t.qualified(t.tokensTable()));
        boolean secret =
                p.table().equals(tokens) && (p.column() == null || p.column().equals(t.secretColumn()));
        return secret ? " -- this reaches the secret column " + t.secretColumn() : "";
    }

    private static String regclassOrNull(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)::text")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<Finding> ownership(Connection c) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid::regclass::text, quote_ident(o.rolname) "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles o ON o.oid = c.relowner "
                + USER_RELATIONS + " AND pg_has_role(current_user, c.relowner, 'MEMBER') ORDER BY 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    findings.add(new Finding(
                            "the role owns " + rs.getString(1) + " (an owner can grant itself anything)",
                            List.of("ALTER TABLE " + rs.getString(1) + " OWNER TO <the schema owner>;")));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(nspname) FROM pg_namespace "
                        + "WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%' "
                        + "AND pg_has_role(current_user, nspowner, 'MEMBER') ORDER BY 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                findings.add(new Finding(
                        "the role owns schema " + rs.getString(1),
                        List.of("ALTER SCHEMA " + rs.getString(1) + " OWNER TO <the schema owner>;")));
            }
        }
        return findings;
    }

    private static List<Finding> creation(Connection c, String role) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(nspname) FROM pg_namespace "
                        + "WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%' "
                        + "AND has_schema_privilege(current_user, oid, 'CREATE') ORDER BY 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                findings.add(new Finding(
                        "CREATE on schema " + rs.getString(1),
                        List.of("REVOKE CREATE ON SCHEMA " + rs.getString(1) + " FROM " + role
                                + ";   -- and FROM PUBLIC if PUBLIC has it")));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT quote_ident(current_database()), has_database_privilege(current_user, current_database(), 'CREATE')");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getBoolean(2)) {
                findings.add(new Finding(
                        "CREATE on database " + rs.getString(1),
                        List.of("REVOKE CREATE ON DATABASE " + rs.getString(1) + " FROM " + role
                                + ";   -- and FROM PUBLIC if PUBLIC has it")));
            }
        }
        return findings;
    }

    /**
     * Memberships that reach everything: a role with SUPERUSER (or another attribute the role itself may not have)
     * that the applier's role can SET ROLE to, and the predefined roles that read the server's files or run programs.
     */
    private static List<Finding> memberships(Connection c, String role) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT quote_ident(rolname), rolsuper, rolbypassrls, "
                                + "rolcreaterole, rolcreatedb, rolreplication FROM pg_roles "
                                + "WHERE rolname <> current_user AND pg_has_role(current_user, oid, 'MEMBER') "
                                + "AND (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication) ORDER BY 1");
                ResultSet rs = ps.executeQuery()) {
            String[] attribute = {"SUPERUSER", "BYPASSRLS", "CREATEROLE", "CREATEDB", "REPLICATION"};
            while (rs.next()) {
                List<String> has = new ArrayList<>();
                for (int i = 0; i < attribute.length; i++) {
                    if (rs.getBoolean(i + 2)) {
                        has.add(attribute[i]);
                    }
                }
                findings.add(new Finding(
                        "the role is a member of " + rs.getString(1) + ", which has " + String.join(", ", has)
                                + " (usable through SET ROLE even without INHERIT)",
                        List.of("REVOKE " + rs.getString(1) + " FROM " + role + ";")));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(rolname) FROM pg_roles "
                + "WHERE rolname = ANY (?) AND pg_has_role(current_user, oid, 'MEMBER') ORDER BY 1")) {
            ps.setArray(1, c.createArrayOf("text", SERVER_ACCESS_ROLES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    findings.add(new Finding(
                            "the role is a member of " + rs.getString(1)
                                    + " (reaches the server's files or programs, the database files included)",
                            List.of("REVOKE " + rs.getString(1) + " FROM " + role + ";")));
                }
            }
        }
        return findings;
    }

    /**
     * Default privileges that will grant the role (or PUBLIC, or a role it can use) something on tables, sequences
     * or functions created later: the next table created, a secret one included, would be readable.
     */
    private static List<Finding> defaultPrivileges(Connection c) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(o.rolname), quote_ident(n.nspname), "
                        + "CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' END, "
                        + "a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.rolname) END "
                        + "FROM pg_default_acl d JOIN pg_roles o ON o.oid = d.defaclrole "
                        + "LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace "
                        + "CROSS JOIN aclexplode(d.defaclacl) a LEFT JOIN pg_roles g ON g.oid = a.grantee "
                        + "WHERE d.defaclobjtype IN ('r', 'S', 'f') AND a.grantee <> d.defaclrole "
                        + "AND (a.grantee = 0 OR pg_has_role(current_user, a.grantee, 'MEMBER')) ORDER BY 1, 2, 3, 4");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String schema = rs.getString(2);
                String scope = "FOR ROLE " + rs.getString(1) + (schema == null ? "" : " IN SCHEMA " + schema);
                findings.add(new Finding(
                        "default privileges " + scope + " grant " + rs.getString(4) + " on new " + rs.getString(3)
                                + " to " + rs.getString(5),
                        List.of("ALTER DEFAULT PRIVILEGES " + scope + " REVOKE " + rs.getString(4) + " ON "
                                + rs.getString(3) + " FROM " + rs.getString(5) + ";")));
            }
        }
        return findings;
    }

    /** SECURITY DEFINER functions the role may execute: they run with their owner's privileges, the secret's too. */
    private static List<Finding> securityDefinerFunctions(Connection c, String role) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.oid::regprocedure::text, p.proacl IS NULL, "
                        + "ARRAY(SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.rolname) END "
                        + "  FROM aclexplode(p.proacl) a LEFT JOIN pg_roles g ON g.oid = a.grantee "
                        + "  WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner "
                        + "  AND (a.grantee = 0 OR pg_has_role(current_user, a.grantee, 'MEMBER'))) "
                        + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                        + "WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        + "AND NOT pg_has_role(current_user, p.proowner, 'MEMBER') "
                        + "AND EXISTS (SELECT 1 FROM pg_roles r WHERE " + USABLE_ROLE
                        + " AND has_function_privilege(r.oid, p.oid, 'EXECUTE')) ORDER BY 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String function = rs.getString(1);
                Set<String> grantees = new LinkedHashSet<>();
                if (rs.getBoolean(2)) {
                    grantees.add("PUBLIC"); // no ACL: the default, EXECUTE for PUBLIC
                }
                grantees.addAll(List.of((String[]) rs.getArray(3).getArray()));
                List<String> fixes = new ArrayList<>();
                grantees.forEach(g -> fixes.add("REVOKE EXECUTE ON FUNCTION " + function + " FROM " + g + ";"));
                if (fixes.isEmpty()) {
                    fixes.add("REVOKE EXECUTE ON FUNCTION " + function + " FROM " + role + ";");
                }
                findings.add(new Finding(
                        "EXECUTE on SECURITY DEFINER function " + function + " (runs with its owner's privileges)",
                        fixes));
            }
        }
        return findings;
    }

    /** Any privilege on a sequence: the applier uses none. */
    private static List<Finding> sequences(Connection c, String role) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid::regclass::text, p.privilege, "
                + "ARRAY(SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.rolname) END "
                + "  FROM aclexplode(c.relacl) a LEFT JOIN pg_roles g ON g.oid = a.grantee "
                + "  WHERE a.privilege_type = p.privilege "
                + "  AND (a.grantee = 0 OR pg_has_role(current_user, a.grantee, 'MEMBER'))) "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN unnest(?::text[]) AS p(privilege) "
                + "WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                + "AND NOT pg_has_role(current_user, c.relowner, 'MEMBER') "
                + "AND EXISTS (SELECT 1 FROM pg_roles r WHERE " + USABLE_ROLE
                + " AND has_sequence_privilege(r.oid, c.oid, p.privilege)) ORDER BY 1, 2")) {
            ps.setArray(1, c.createArrayOf("text", SEQUENCE_PRIVILEGES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String sequence = rs.getString(1);
                    String privilege = rs.getString(2);
                    List<String> fixes = new ArrayList<>();
                    for (String g : (String[]) rs.getArray(3).getArray()) {
                        fixes.add("REVOKE " + privilege + " ON SEQUENCE " + sequence + " FROM " + g + ";");
                    }
                    if (fixes.isEmpty()) {
                        fixes.add("REVOKE " + privilege + " ON SEQUENCE " + sequence + " FROM " + role
                                + ";   -- or the predefined role that grants it (\\drg " + role + " in psql)");
                    }
                    findings.add(new Finding(privilege + " on sequence " + sequence, fixes));
                }
            }
        }
        return findings;
    }
}
