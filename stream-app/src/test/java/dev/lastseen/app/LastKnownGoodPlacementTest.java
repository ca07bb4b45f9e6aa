package dev.lastseen.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.thresholds.LastKnownGood;
import dev.lastseen.config.RegistryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last-known-good thresholds copy sits beside the instance's state, readable by its owner only. */
class LastKnownGoodPlacementTest {
    @TempDir
    Path stateDir;

    private static Map<String, Object> config() {
        Map<String, Object> m = new HashMap<>();
        m.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
        m.put(RegistryConfig.URL, "http://registry:8081");
        return m;
    }

    @Test
    void theCopyIsInTheStateDirectoryWithMode0600() throws Exception {
        Map<String, Object> m = config();
        m.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        LastKnownGood lkg = LastseenApp.lastKnownGood(ConfigLoader.fromMap(m));

        lkg.save("{\"thresholds\": []}".getBytes(StandardCharsets.UTF_8));

        assertThat(lkg.file()).startsWith(stateDir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lkg.file())))
                .isEqualTo("rw-------");
    }

    @Test
    void withoutAStateDirectoryNoCopyIsKeptRatherThanOneUnderTheSharedTemporaryDirectory() {
        assertThat(LastseenApp.lastKnownGood(ConfigLoader.fromMap(config()))).isNull();
    }
}
