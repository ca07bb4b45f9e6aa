package dev.lastseen.app.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** One {@code java -jar lastseen.jar run --config FILE} (or {@code apply}) process, as an operator runs it. */
final class AppProcess implements AutoCloseable {
    private final String name;
    private final String command;
    private final Path config;
    private final Path log;
    private final int httpPort;
    private Process process;

    AppProcess(String name, Path dir, Map<String, Object> settings) {
        this(name, dir, settings, "run", "lastseen.http.port");
    }

    /** {@code command} is the subcommand ({@code run}, {@code apply}); {@code httpPortKey} the key of its HTTP port. */
    AppProcess(String name, Path dir, Map<String, Object> settings, String command, String httpPortKey) {
        this.name = name;
        this.command = command;
        this.httpPort = ApicurioRegistry.freePort();
        this.config = dir.resolve(name + ".properties");
        this.log = dir.resolve(name + ".log");
        Properties p = new Properties();
        settings.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        p.setProperty(httpPortKey, Integer.toString(httpPort));
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "written by " + getClass().getSimpleName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start() {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m",
                "-Xmx320m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                ItPaths.lastseenJar().toString(),
                command,
                "--config",
                config.toString());
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL: no shutdown hook, no clean close, an open transaction left behind. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    boolean isReady() {
        if (!isAlive()) {
            return false;
        }
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
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

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (log " + log + ")";
    }
}
