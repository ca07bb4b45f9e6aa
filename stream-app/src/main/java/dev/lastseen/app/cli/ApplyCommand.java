package dev.lastseen.app.cli;

import dev.lastseen.app.ApplyServer;
import dev.lastseen.applier.ApplierConfig;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.registry.RestSchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        subcommands = ApplyMigrateCommand.class,
        description = {
            "Apply the token-last-seen patches to PostgreSQL, in batches of one transaction each, monotonic (never backwards);",
            "offsets are committed after the database commit. First checks that its database role has exactly the applier's",
            "column privileges: a role with more is refused, with the REVOKE to run. Serves /healthz, /readyz and /metrics;",
            "stops cleanly on SIGTERM/Ctrl-C. Run `lastseen apply migrate` as the schema owner first."
        })
final class ApplyCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ApplyCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Not required by picocli itself: {@code lastseen apply migrate --config FILE} takes its own. */
    @Option(
            names = "--config",
            description =
                    "Properties file of lastseen.apply.* and Kafka consumer keys (docs/REFERENCE.md); environment variables LASTSEEN_* override it.")
    Path config;

    @Option(
            names = "--db-wait",
            defaultValue = "${env:LASTSEEN_STARTUP_DB_WAIT:-PT5M}",
            description =
                    "How long start-up waits for an unreachable database: an ISO-8601 duration (env LASTSEEN_STARTUP_DB_WAIT; default ${DEFAULT-VALUE}).")
    Duration databaseWait;

    @Override
    public Integer call() throws Exception {
        if (config == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Missing required option: '--config=<config>'");
        }
        ApplierConfig cfg = ApplierConfigLoader.load(config, System.getenv());
        if (cfg.registry() == null) {
            throw new ConfigException(
                    RegistryConfig.URL,
                    ApplierConfigLoader.IN_MEMORY_REGISTRY,
                    "is the demo's in-process registry and cannot be shared with another process: give a real registry's REST URL");
        }
        log.info("Starting lastseen apply with {}", cfg);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (ApplyServer server = ApplyServer.start(cfg, new RestSchemaRegistryClient(cfg.registry()), databaseWait)) {
            // SIGTERM: let the main thread close everything (the batch in hand is abandoned uncommitted) before the
            // JVM exits.
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                stop.countDown();
                                awaitQuietly(closed);
                            },
                            "lastseen-apply-shutdown"));
            log.info("lastseen apply running; /healthz /readyz /metrics on port {}", server.httpPort());
            while (!stop.await(1, TimeUnit.SECONDS)) {
                if (!server.health().isLive()) {
                    // A fatal consumer error (e.g. the group's authorization withdrawn): exit so the supervisor
                    // restarts us.
                    log.error(
                            "lastseen apply is no longer live ({}); exiting",
                            server.health().describe());
                    return 1;
                }
            }
            return 0;
        } finally {
            closed.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
