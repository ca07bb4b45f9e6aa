package dev.lastseen.it;

import dev.lastseen.app.config.ConfigLoader;
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
        RUN("run", ConfigLoader.HTTP_PORT),
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
    private Process process;

    /**
     * Writes {@code dir/NAME.properties} from {@code settings}, with {@code lastseen.http.port} set to
     * {@code httpPort}; {@code env} is added to the process environment.
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

    /** Whether it runs and answers {@code /readyz} with 200. */
    public boolean isReady() {
        if (!isAlive()) {
            return false;
        }
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + "/readyz"))
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

    public String name() {
        return name;
    }

    public Path log() {
        return log;
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
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (log " + log + ")";
    }
}
