package dev.lastseen.app.cli;

import dev.lastseen.app.LastseenServer;
import dev.lastseen.app.RegistryClients;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.startup.StartupChecks;
import dev.lastseen.registry.SchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Run against a real Kafka cluster and schema registry. Checks topics and schemas first "
                        + "(a failed check exits with code 2 and a message saying what to fix). Stops cleanly on SIGTERM/Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(
            names = "--config",
            required = true,
            description =
                    "Properties file of Kafka Streams and lastseen.* keys (docs/REFERENCE.md); environment variables LASTSEEN_* override it.")
    Path config;

    @Option(
            names = "--registry-wait",
            defaultValue = "${env:LASTSEEN_STARTUP_REGISTRY_WAIT:-PT5M}",
            description =
                    "How long start-up waits for an unreachable schema registry: an ISO-8601 duration, or 'forever' "
                            + "(env LASTSEEN_STARTUP_REGISTRY_WAIT; default ${DEFAULT-VALUE}).")
    String registryWait;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // The shutdown hook closes the server on SIGTERM while call() still waits; the try-with-resources close
    // after it is a no-op then (close is idempotent) and the only close on every other exit.
    @SuppressWarnings("try")
    @Override
    public Integer call() throws Exception {
        Duration wait = registryWait();
        LastseenConfig cfg = ConfigLoader.load(config, System.getenv());
        log.info("Starting with {}", cfg);
        SchemaRegistryClient registry = RegistryClients.create(cfg.registry());
        int partitions = StartupChecks.run(cfg, registry, wait);
        CountDownLatch stop = new CountDownLatch(1);
        try (LastseenServer server = LastseenServer.start(cfg, registry, partitions)) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                stop.countDown();
                                server.close();
                            },
                            "lastseen-shutdown"));
            log.info("lastseen running; HTTP on port {}", server.httpPort());
            stop.await();
        }
        return 0;
    }

    /** The registry wait; null means forever. */
    private Duration registryWait() {
        String v = registryWait.trim();
        if (v.equalsIgnoreCase("forever")) {
            return null;
        }
        try {
            Duration d = Duration.parse(v);
            if (d.isNegative()) {
                throw new DateTimeParseException("negative", v, 0);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--registry-wait must be an ISO-8601 duration such as PT5M, or 'forever'; was '" + v + "'");
        }
    }
}
