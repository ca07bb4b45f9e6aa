package dev.lastseen.app.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One lastseen instance as operators run it: {@code java -jar lastseen.jar run --config FILE}
 * in its own JVM, with its own state directory and HTTP port, output to a log file.
 */
final class AppProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "lastseen.jar");

    private final String name;
    private final Path configFile;
    private final Path log;
    private final Map<String, String> env;
    final int httpPort;
    private Process process;

    AppProcess(String name, Path dir, int httpPort, Properties config, Map<String, String> env) {
        this.name = name;
        this.httpPort = httpPort;
        this.env = Map.copyOf(env);
        this.configFile = dir.resolve(name + ".properties");
        this.log = dir.resolve(name + ".log");
        try {
            Files.createDirectories(dir);
            try (var out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
                config.store(out, "lastseen instance " + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath()
                    + " is missing: run through `mvn verify` (the package phase builds it before integration tests)");
        }
        ProcessBuilder b = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx320m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        JAR.toString(),
                        "run",
                        "--config",
                        configFile.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().putAll(env);
        try {
            process = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL: no shutdown hook, no clean leave of the consumer group, open sockets just vanish. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    String name() {
        return name;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: the clean shutdown path
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
