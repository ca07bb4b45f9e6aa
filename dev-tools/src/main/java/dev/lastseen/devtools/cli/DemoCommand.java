package dev.lastseen.devtools.cli;

import dev.lastseen.devtools.demo.Demo;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run everything in one process with no setup: in-process Kafka broker, in-memory schema registry, the app and synthetic traffic.")
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--rate",
            defaultValue = "200",
            description = "Synthetic logins per second (1..20000, default ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--summary-every",
            defaultValue = "PT5S",
            description = "How often to print the summary (ISO-8601 duration, default ${DEFAULT-VALUE}).")
    Duration summaryEvery;

    @Option(
            names = "--duration",
            description = "Stop after this long (ISO-8601 duration, e.g. PT1M); default: until Ctrl-C.")
    Duration duration;

    @Option(
            names = "--http-port",
            defaultValue = "7070",
            description = "Port of the REST API (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--management-port",
            defaultValue = "7072",
            description = "Port of /healthz, /readyz and /metrics (default ${DEFAULT-VALUE}; 0: a free one).")
    int managementPort;

    @Override
    public Integer call() throws Exception {
        if (rate < 1 || rate > 20_000) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--rate must be between 1 and 20000, was " + rate);
        }
        if (summaryEvery.isNegative() || summaryEvery.isZero()) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--summary-every must be positive");
        }
        return new Demo(new Demo.Options(rate, summaryEvery, duration, httpPort, managementPort), System.out).run();
    }
}
