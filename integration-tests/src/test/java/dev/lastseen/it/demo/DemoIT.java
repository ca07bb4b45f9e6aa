package dev.lastseen.it.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.it.ItPaths;
import dev.lastseen.it.Loopback;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The newcomer's first command, as the README gives it: {@code lastseen demo} of the developer jar
 * in its own JVM prints live last-seen values read through interactive queries and the rows lastseen
 * apply wrote into its PostgreSQL, answers its REST API, and a signal (what Ctrl-C sends) stops it cleanly. Waits on the output, not on a fixed
 * duration.
 */
class DemoIT {
    private static final Pattern LIVE_VALUE =
            Pattern.compile("acct-\\d{3}/tok-\\d{7} last seen 20\\d\\d-\\d\\d-\\d\\dT\\S+ from \\w+ \\(ok=\\d+");
    private static final Pattern TRACKED = Pattern.compile("tokens tracked: [1-9]\\d* with usage, 300 registered");
    private static final Pattern PROCESSED = Pattern.compile("processed=[1-9]\\d*");
    /** Rows lastseen apply wrote into the demo's PostgreSQL. */
    private static final Pattern APPLIED = Pattern.compile(
            "postgres: [1-9]\\d* rows in token_last_seen, newest last_seen_at 20\\d\\d-.*applied=[1-9]\\d*");

    @Test
    void demoPrintsLiveLastSeenValuesAnswersItsApiAndStopsCleanlyOnASignal() throws Exception {
        Path work = ItPaths.workDir("demo");
        Path log = work.resolve("demo.log");
        int port = Loopback.freePort();
        int management = Loopback.freePort();
        Process demo = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-Djava.io.tmpdir=" + work,
                        "-jar",
                        ItPaths.devJar().toString(),
                        "demo",
                        "--http-port",
                        Integer.toString(port),
                        "--management-port",
                        Integer.toString(management),
                        "--summary-every",
                        "PT1S")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await("a live last-seen value in the demo's summary")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        String printed = Files.readString(log, StandardCharsets.UTF_8);
                        assertThat(demo.isAlive())
                                .as("the demo runs; it printed:%n%s", printed)
                                .isTrue();
                        assertThat(printed)
                                .containsPattern(LIVE_VALUE)
                                .containsPattern(TRACKED)
                                .containsPattern(PROCESSED)
                                .containsPattern(APPLIED);
                    });
            assertThat(Files.readString(log, StandardCharsets.UTF_8))
                    .as("the demo says it runs with credentials over plain HTTP")
                    .contains("DEVELOPMENT MODE");
            assertThat(get(management, "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(management, "/metrics");
            assertThat(metrics.body()).contains("lastseen_events_total");

            long postmaster;
            try (var dirs = Files.list(work)) {
                Path demoDir = dirs.filter(p -> p.getFileName().toString().startsWith("lastseen-demo-"))
                        .findFirst()
                        .orElseThrow();
                postmaster = Long.parseLong(Files.readAllLines(demoDir.resolve("postgres/postmaster.pid"))
                        .get(0)
                        .strip());
            }
            demo.destroy(); // SIGTERM: the JVM's shutdown path, the same as Ctrl-C's SIGINT
            assertThat(demo.waitFor(60, TimeUnit.SECONDS))
                    .as("the demo stops after the signal")
                    .isTrue();
            String printed = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(printed).as(printed).contains("lastseen demo: stopping", "lastseen demo: stopped cleanly");
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive))
                    .as("the demo's postmaster stopped with it")
                    .isNotEqualTo(java.util.Optional.of(true));
            try (var left = Files.list(work)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .as("the demo deletes its broker data and state when it stops")
                        .noneMatch(name -> name.startsWith("lastseen-demo-"));
            }
        } finally {
            demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDemoKilledWithSigkillLeavesNoPostgresServerAndNoDataBehind() throws Exception {
        Path work = ItPaths.workDir("demo-sigkill");
        Path log = work.resolve("demo.log");
        Process demo = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-Djava.io.tmpdir=" + work,
                        "-jar",
                        ItPaths.devJar().toString(),
                        "demo",
                        "--http-port",
                        Integer.toString(Loopback.freePort()),
                        "--management-port",
                        "0",
                        "--summary-every",
                        "PT1S")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await("rows applied into the demo's PostgreSQL")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        assertThat(demo.isAlive()).as("the demo runs").isTrue();
                        assertThat(Files.readString(log, StandardCharsets.UTF_8))
                                .containsPattern(APPLIED);
                    });
            Path demoDir;
            try (var dirs = Files.list(work)) {
                demoDir = dirs.filter(p -> p.getFileName().toString().startsWith("lastseen-demo-"))
                        .findFirst()
                        .orElseThrow();
            }
            long postmaster = Long.parseLong(Files.readAllLines(demoDir.resolve("postgres/postmaster.pid"))
                    .get(0)
                    .strip());
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive))
                    .as("the demo's postmaster runs")
                    .contains(true);

            demo.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.nanoTime();

            await("no postmaster and no data directory left")
                    .atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive))
                                .as("the postmaster")
                                .isNotEqualTo(java.util.Optional.of(true));
                        assertThat(demoDir).as("the demo's directory").doesNotExist();
                    });
            System.out.printf(
                    "DEMO-SIGKILL: postmaster stopped and %s deleted %.1f s after the SIGKILL%n",
                    demoDir, (System.nanoTime() - killedAt) / 1e9);
        } finally {
            demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
