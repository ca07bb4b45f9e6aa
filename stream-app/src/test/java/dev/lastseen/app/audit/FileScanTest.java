package dev.lastseen.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileScanTest {
    @TempDir
    Path dir;

    @Test
    void findsASecretAnywhereInAnyFileIncludingAcrossChunkBoundaries() throws Exception {
        String secret = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        SecretIndex index = new SecretIndex();
        index.add(secret, "tok-1");
        Random random = new Random(7);
        for (int at : new int[] {0, (1 << 20) - 10, (1 << 20) + 3, 3 * (1 << 20) - 1}) {
            byte[] data = new byte[3 * (1 << 20) + 100];
            random.nextBytes(data);
            System.arraycopy(bytes, 0, data, at, bytes.length);
            Path f = Files.createDirectories(dir.resolve("at-" + at).resolve("rocksdb"))
                    .resolve("000042.sst");
            Files.write(f, data);
        }
        Files.write(
                Files.createDirectories(dir.resolve("clean")).resolve("CURRENT"),
                "MANIFEST-000005\n".getBytes(StandardCharsets.UTF_8));

        FileScan.Result result = FileScan.scan(dir, index, bytes.length);

        assertThat(result.files()).isEqualTo(5);
        assertThat(result.findings())
                .hasSize(4)
                .allSatisfy(f -> assertThat(f.secretOf()).isEqualTo("tok-1"))
                .extracting(Finding::where)
                .anyMatch(w -> w.endsWith("at byte " + ((1 << 20) - 10)))
                .anyMatch(w -> w.endsWith("at byte " + (3 * (1 << 20) - 1)));
        assertThat(result.findings()).extracting(Finding::toString).noneMatch(s -> s.contains(secret));
    }
}
