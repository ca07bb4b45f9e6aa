package dev.lastseen.it;

import dev.lastseen.app.config.HttpServerConfig;
import dev.lastseen.applier.ApplierConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One lastseen process as operators run it: {@code java -jar lastseen.jar run --config FILE} (or
 * {@code apply}) of the production jar in its own JVM, with its own configuration file, HTTP port
 * and log file. The one process harness of the integration tests; {@link LastseenProcesses} stops
 * whatever a test left running.
 */
public final class LastseenProcess implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

    /** The production jar's long-running commands, and the configuration key of each one's HTTP port. */
    public enum Command {
        RUN("run", HttpServerConfig.HTTP_PORT),
        APPLY("apply", ApplierConfigLoader.HTTP_PORT);

        private final String name;
        private final String httpPortKey;

        Command(String name, String httpPortKey) {
            this.name = name;
            this.httpPortKey = httpPortKey;
        }
    }

    private final String name;
    private final Command command;
    private final Path config;
    private final Path log;
    private final Map<String, String> env;
    private final int httpPort;
    private final int managementPort;
    private Process process;

    /**
     * Writes {@code dir/NAME.properties} from {@code settings}, with {@code lastseen.http.port} set to
     * {@code httpPort} and, unless {@code settings} names one, the management port set to a free port (known to the test);
     * {@code env} is added to the process environment.
     */
    public LastseenProcess(String name, Path dir, int httpPort, Map<String, ?> settings, Map<String, String> env) {
        this(name, Command.RUN, dir, httpPort, settings, env);
    }

    /** As above, for {@code command}; its HTTP port key is set to {@code httpPort}. */
    public LastseenProcess(
            String name, Command command, Path dir, int httpPort, Map<String, ?> settings, Map<String, String> env) {
        this.name = name;
        this.command = command;
        this.httpPort = httpPort;
        this.env = Map.copyOf(env);
        this.config = dir.resolve(name + ".properties");
        this.log = dir.resolve(name + ".log");
        Properties p = new Properties();
        settings.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        p.setProperty(command.httpPortKey, Integer.toString(httpPort));
        if (command == Command.RUN
                && "0".equals(p.getProperty(HttpServerConfig.HTTP_MANAGEMENT_PORT, "0"))) { // absent or "any free port"
            p.setProperty(HttpServerConfig.HTTP_MANAGEMENT_PORT, Integer.toString(Loopback.freePort()));
        }
        this.managementPort = command == Command.RUN
                ? Integer.parseInt(p.getProperty(HttpServerConfig.HTTP_MANAGEMENT_PORT))
                : -1; // lastseen apply serves health and metrics on its one port
        try {
            Files.createDirectories(dir);
            try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(out, "lastseen instance " + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As the full constructor, on a free HTTP port and with no extra environment. */
    public LastseenProcess(String name, Path dir, Map<String, ?> settings) {
        this(name, dir, Loopback.freePort(), settings, Map.of());
    }

    /** Starts (or starts again, on the same state and port) {@code lastseen run --config FILE ARGS} (or {@code apply}); output appends to the log. */
    public void start(String... extraArgs) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m",
                "-Xmx320m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                ItPaths.lastseenJar().toString(),
                command.name,
                "--config",
                config.toString()));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder b = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().putAll(env);
        try {
            process = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL: no shutdown hook, no clean leave of the consumer group, an open transaction left behind. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit by itself; its exit code, or null when it still runs after {@code max}. */
    public Integer awaitExit(Duration max) throws InterruptedException {
        return process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Whether it runs and answers {@code /readyz} (on the management port, when it has one) with 200. */
    public boolean isReady() {
        if (!isAlive()) {
            return false;
        }
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(managementUrl() + "/readyz"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Health, readiness and metrics; the API's base URL when the instance has no management port. */
    public String managementUrl() {
        return managementPort < 0 ? baseUrl() : "http://127.0.0.1:" + managementPort;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** The properties file it runs with: what the other lastseen commands take as {@code --config}. */
    public Path configFile() {
        return config;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** SIGTERM (the clean shutdown path), then SIGKILL if it has not stopped in time. Idempotent. */
    @Override
    public void close() {
        closeAll(List.of(this));
    }

    /**
     * {@link #close()} of several instances at once: all are sent SIGTERM first, then each is waited
     * for, so their clean shutdowns overlap instead of adding up.
     */
    public static void closeAll(List<LastseenProcess> instances) {
        List<Process> running = instances.stream()
                .map(p -> p.process)
                .filter(p -> p != null && p.isAlive())
                .toList();
        running.forEach(Process::destroy);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (Process p : running) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (log " + log + ")";
    }
}
