package dev.lastseen.devtools.cli;

import dev.lastseen.devtools.postgres.TokensDatabase;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.postgres.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lastseen postgres}: the local stack's PostgreSQL ({@code ops/stack.sh up}), the project's
 * fixture started so that it outlives this command, with a token service's database for
 * {@code lastseen apply} (the tokens of {@code lastseen loadgen}'s fleet, lastseen's migrations).
 */
@Command(
        name = "postgres",
        mixinStandardHelpOptions = true,
        description = {
            "Start a real PostgreSQL server (server binaries from Maven Central) that outlives this command, for the local stack:",
            "database 'tokens' with a token service's tokens table holding loadgen's fleet and lastseen's migrations applied.",
            "Stop it with SIGINT to the postmaster (ops/stack.sh down does)."
        })
final class PostgresCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Data directory (created and initialised when empty).")
    Path dir;

    @Option(names = "--port", required = true, description = "Port on 127.0.0.1.")
    int port;

    @Option(
            names = "--tokens",
            defaultValue = "10000",
            description = "Tokens of loadgen's fleet in the tokens table (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(
            names = "--accounts",
            defaultValue = "100",
            description = "Accounts they are spread over, as loadgen's --accounts (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(
            names = "--applier-password",
            defaultValue = "lastseen-local",
            description = "Password given to the role lastseen_applier (default ${DEFAULT-VALUE}).")
    String applierPassword;

    @Override
    public Integer call() {
        SyntheticTraffic fleet = new SyntheticTraffic(
                new SyntheticTraffic.Settings(accounts, tokens, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 42));
        PostgresServer server = PostgresServer.startDetached(dir.toAbsolutePath(), port);
        TokensDatabase.prepare(server, fleet.tokens(), applierPassword);
        System.out.printf(
                "postgres: %s (owner postgres, trusted on 127.0.0.1; applier role %s with its password)%n",
                server.jdbcUrl(TokensDatabase.DATABASE), TokensDatabase.APPLIER_ROLE);
        return 0;
    }
}
