package dev.lastseen.devtools.cli;

import dev.lastseen.app.RegistryClients;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.traffic.KafkaTrafficSink;
import dev.lastseen.devtools.traffic.LoadGenerator;
import dev.lastseen.devtools.traffic.LoadPlan;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.devtools.traffic.TrafficSink;
import dev.lastseen.registry.RegistrySettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lastseen loadgen}: realistic login traffic against a real broker and schema registry,
 * through the project's own serializers. Registry records of the whole fleet first, then
 * logins keyed by account. Progress goes to stderr once a second; a one-line summary to stdout.
 */
@Command(
        name = "loadgen",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Produce realistic login traffic: registry records for every token first, then logins keyed by account,",
            "with Zipf popularity, a failure ratio and out-of-order jitter, at a target rate or as fast as possible.",
            "Progress (rate, total, ETA) on stderr every second; a summary line on stdout at the end."
        })
public final class LoadgenCommand implements Callable<Integer> {
    static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");
    static final Set<String> ACKS = Set.of("all", "-1", "1", "0");

    @Spec
    CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:LASTSEEN_BOOTSTRAP_SERVERS}",
            description = "Kafka bootstrap servers (default: env LASTSEEN_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(
            names = "--registry-url",
            defaultValue = "${env:LASTSEEN_SCHEMA_REGISTRY_URL}",
            description =
                    "Confluent-compatible schema registry REST URL, e.g. http://127.0.0.1:8081/apis/ccompat/v7 (default: env LASTSEEN_SCHEMA_REGISTRY_URL).")
    String registryUrl;

    @Option(
            names = "--tokens",
            defaultValue = "10000",
            description = "Tokens in the fleet (1..10000000, default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(
            names = "--accounts",
            defaultValue = "100",
            description = "Accounts the tokens are spread over (1..min(tokens, 1000000), default ${DEFAULT-VALUE}).")
    int accounts;

    @ArgGroup(exclusive = true)
    Speed speed = new Speed();

    static final class Speed {
        @Option(names = "--rate", description = "Target logins per second (1..10000000, default 1000).")
        Long rate;

        @Option(names = "--max", description = "As fast as the broker takes them.")
        boolean max;
    }

    @ArgGroup(exclusive = true)
    Amount amount = new Amount();

    static final class Amount {
        @Option(
                names = "--count",
                description = "Stop after this many logins (0..10000000000; 0 = registry records only).")
        Long count;

        @Option(
                names = "--duration",
                description = "Stop after this long (ISO-8601, e.g. PT1M; at most P7D). Default: until Ctrl-C.")
        Duration duration;
    }

    @Option(
            names = "--zipf",
            defaultValue = "1.1",
            description = "Zipf exponent of token popularity (0 = uniform .. 5, default ${DEFAULT-VALUE}).")
    double zipf;

    @Option(
            names = "--failure-ratio",
            defaultValue = "0.05",
            description = "Share of failed logins (0..1, default ${DEFAULT-VALUE}).")
    double failureRatio;

    @Option(
            names = "--user-session-ratio",
            defaultValue = "0.05",
            description = "Share of user-session logins, which carry no token (0..1, default ${DEFAULT-VALUE}).")
    double userSessionRatio;

    @Option(
            names = "--jitter",
            defaultValue = "PT5S",
            description =
                    "Events are dated up to this much in the past: out of order (0..PT1H, default ${DEFAULT-VALUE}).")
    Duration jitter;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Random seed: the same seed gives the same traffic (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--registry-records",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Publish every token's registry record before the logins (default ${DEFAULT-VALUE}; --no-registry-records skips them).")
    boolean registryRecords;

    @Option(
            names = "--login-topic",
            defaultValue = TopicNames.LOGIN_EVENTS,
            description = "Login topic (default ${DEFAULT-VALUE}).")
    String loginTopic;

    @Option(
            names = "--registry-topic",
            defaultValue = TopicNames.SERVICE_TOKENS,
            description = "Token registry topic (default ${DEFAULT-VALUE}).")
    String registryTopic;

    @Option(
            names = "--compression",
            defaultValue = "none",
            description = "Producer compression: none, gzip, snappy, lz4, zstd (default ${DEFAULT-VALUE}).")
    String compression;

    @Option(
            names = "--acks",
            defaultValue = "all",
            description = "Producer acks: all, 1, 0 (default ${DEFAULT-VALUE}).")
    String acks;

    /** Builds the sink; replaced in tests. */
    Function<LoadgenCommand, TrafficSink> sinkFactory = c -> new KafkaTrafficSink(
            c.bootstrapServers,
            RegistryClients.create(RegistrySettings.of(c.registryUrl)),
            c.registryTopic,
            c.loginTopic,
            c.compression,
            c.acks);

    /** Validated settings of this invocation; every error names the option. */
    record Validated(SyntheticTraffic.Settings traffic, LoadPlan plan) {}

    Validated validate() {
        if (blank(bootstrapServers)) {
            throw usage("--bootstrap-servers is required (or set LASTSEEN_BOOTSTRAP_SERVERS), e.g. 127.0.0.1:9092");
        }
        if (blank(registryUrl)) {
            throw usage(
                    "--registry-url is required (or set LASTSEEN_SCHEMA_REGISTRY_URL), e.g. http://127.0.0.1:8081/apis/ccompat/v7");
        }
        if (registryUrl.trim().equals("mem:")) {
            throw usage(
                    "--registry-url mem: is the demo's in-process registry and cannot be shared with another process: "
                            + "give the REST URL of a real registry (e.g. ops/stack.sh up, then http://127.0.0.1:8081/apis/ccompat/v7)");
        }
        if (!registryUrl.startsWith("http://") && !registryUrl.startsWith("https://")) {
            throw usage("--registry-url must be an http:// or https:// URL, was '" + registryUrl + "'");
        }
        check(
                tokens >= 1 && tokens <= SyntheticTraffic.MAX_TOKENS,
                "--tokens must be between 1 and " + SyntheticTraffic.MAX_TOKENS + ", was " + tokens);
        check(
                accounts >= 1 && accounts <= Math.min(tokens, SyntheticTraffic.MAX_ACCOUNTS),
                "--accounts must be between 1 and min(--tokens, " + SyntheticTraffic.MAX_ACCOUNTS + ") = "
                        + Math.min(tokens, SyntheticTraffic.MAX_ACCOUNTS) + ", was " + accounts);
        check(zipf >= 0 && zipf <= 5, "--zipf must be between 0 and 5, was " + zipf);
        check(failureRatio >= 0 && failureRatio <= 1, "--failure-ratio must be between 0 and 1, was " + failureRatio);
        check(
                userSessionRatio >= 0 && userSessionRatio <= 1,
                "--user-session-ratio must be between 0 and 1, was " + userSessionRatio);
        check(
                !jitter.isNegative() && jitter.compareTo(SyntheticTraffic.MAX_JITTER) <= 0,
                "--jitter must be between PT0S and " + SyntheticTraffic.MAX_JITTER + ", was " + jitter);
        long rate = speed.max ? LoadPlan.AS_FAST_AS_POSSIBLE : speed.rate == null ? 1000 : speed.rate;
        check(
                speed.max || (rate >= 1 && rate <= LoadPlan.MAX_RATE),
                "--rate must be between 1 and " + LoadPlan.MAX_RATE + ", was " + rate);
        long count = amount.count == null ? LoadPlan.UNBOUNDED : amount.count;
        check(
                amount.count == null || (count >= 0 && count <= LoadPlan.MAX_COUNT),
                "--count must be between 0 and " + LoadPlan.MAX_COUNT + ", was " + count);
        Duration duration = amount.duration;
        check(
                duration == null
                        || (!duration.isNegative()
                                && !duration.isZero()
                                && duration.compareTo(LoadPlan.MAX_DURATION) <= 0),
                "--duration must be positive and at most " + LoadPlan.MAX_DURATION + ", was " + duration);
        check(
                COMPRESSIONS.contains(compression),
                "--compression must be one of " + COMPRESSIONS + ", was " + compression);
        check(ACKS.contains(acks), "--acks must be one of all, 1, 0, was " + acks);
        check(
                !blank(loginTopic) && !blank(registryTopic) && !loginTopic.equals(registryTopic),
                "--login-topic and --registry-topic must be non-empty and differ");
        return new Validated(
                new SyntheticTraffic.Settings(accounts, tokens, zipf, failureRatio, userSessionRatio, jitter, seed),
                new LoadPlan(rate, count, duration));
    }

    @Override
    public Integer call() {
        Validated v = validate();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        boolean tty = interactiveTerminal();
        err.printf(
                "loadgen: %d tokens over %d accounts (zipf %.2f, %.0f%% failures, jitter %s) -> %s, %s, registry %s%n",
                tokens,
                accounts,
                zipf,
                failureRatio * 100,
                jitter,
                bootstrapServers,
                v.plan().paced() ? v.plan().ratePerSecond() + " logins/s" : "as fast as possible",
                registryUrl);
        err.flush();
        SyntheticTraffic traffic = new SyntheticTraffic(v.traffic());
        LoadGenerator.Result result;
        try (TrafficSink sink = sinkFactory.apply(this)) {
            LoadGenerator generator = new LoadGenerator(traffic, sink, line -> {
                if (tty) {
                    err.print("\r" + line + "   ");
                } else {
                    err.println(line);
                }
                err.flush();
            });
            Thread hook = new Thread(generator::stop, "lastseen-loadgen-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                result = generator.run(v.plan(), registryRecords);
            } finally {
                removeHook(hook);
            }
        }
        if (tty) {
            err.println();
        }
        out.printf(
                "loadgen: done registry_records=%d logins=%d acked=%d failed=%d elapsed_s=%.3f logins_per_s=%.0f%n",
                result.registryRecords(),
                result.logins(),
                result.acked(),
                result.failed(),
                result.loginElapsed().toNanos() / 1e9,
                result.loginsPerSecond());
        out.flush();
        if (result.failed() > 0) {
            err.println("loadgen: " + result.failed() + " records were not acknowledged; first failure: "
                    + result.firstFailure());
            err.flush();
            return 1;
        }
        return 0;
    }

    /**
     * Whether stderr goes to a terminal (progress then rewrites one line). Since JDK 22 System.console()
     * is never null, so Console.isTerminal() decides there; it is looked up by name because the build
     * targets Java 21, where a null console alone says "not a terminal".
     */
    @SuppressWarnings("SystemConsoleNull") // the null check is the Java 21 answer; isTerminal() the newer one
    static boolean interactiveTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: a console exists only for a terminal
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the JVM is already exiting, the hook has run
        }
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw usage(message);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec == null ? new CommandLine(this) : spec.commandLine(), message);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
