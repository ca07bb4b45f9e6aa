package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ops/stack.sh}'s own format step (a fresh data directory) with a cluster id that starts
 * with {@code -}, as a random base64url id does one time in 64: the outside run that found the bug
 * failed with {@code kafka-storage: error: argument --cluster-id/-t: expected one argument}. The
 * script is sourced and its step called, running Kafka's storage tool from the developer jar
 * (which carries the broker) instead of the fetched runtime. Budget: ~10 s.
 */
class StackScriptIT {
    /** The id of that run. */
    private static final String DASH_ID = "-1mj6DscwI-5EcrrrgI9RQ";

    private static final String FORMAT_STEP = ". ops/stack.sh && mkdir -p \"$DATA_DIR/kafka\" \"$LOG_DIR\" \"$RUN_DIR\""
            + " && format_kafka_storage \"$(kafka_conf)\"";

    @Test
    void aFreshDataDirectoryIsFormattedWithAClusterIdThatStartsWithADash() throws Exception {
        Path work = ItPaths.workDir("stack-format");
        Path libs = Files.createDirectories(work.resolve("kafka-libs"));
        Files.createSymbolicLink(libs.resolve("lastseen-dev.jar"), ItPaths.devJar());
        Path stack = work.resolve("stack");

        Run first = formatStep(stack, libs, work.resolve("first.out"));
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("formatting Kafka storage").contains("cluster id " + DASH_ID);
        Path meta = stack.resolve("data/kafka/meta.properties");
        assertThat(meta).content().contains("cluster.id=" + DASH_ID);

        Run again = formatStep(stack, libs, work.resolve("again.out"));
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output())
                .as("a formatted directory is left as it is")
                .doesNotContain("formatting Kafka storage");
    }

    private record Run(int exit, String output) {}

    private static Run formatStep(Path stack, Path libs, Path out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", FORMAT_STEP)
                .directory(Path.of("..").toAbsolutePath().normalize().toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        env.put("LASTSEEN_STACK_DIR", stack.toString());
        env.put("LASTSEEN_KAFKA_CLUSTER_ID", DASH_ID);
        env.put("LASTSEEN_KAFKA_LIBS", libs.toString());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the format step did not finish in 120 s: " + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
