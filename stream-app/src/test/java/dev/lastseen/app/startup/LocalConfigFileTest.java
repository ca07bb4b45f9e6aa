package dev.lastseen.app.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.contract.TopicNames;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ops/config/local.properties is a valid configuration that matches ops/stack.sh's defaults. */
class LocalConfigFileTest {
    private static final Path OPS_CONFIG = Path.of("..", "ops", "config");

    @Test
    void localConfigLoadsAndPointsAtTheStacksDefaultEndpoints() {
        // The file names its key file relative to the repository root; tests run in stream-app/.
        LastseenConfig config = ConfigLoader.load(
                OPS_CONFIG.resolve("local.properties"),
                Map.of(
                        "LASTSEEN_API_KEY_FILE",
                        OPS_CONFIG.resolve("api-keys.example").toString()));

        assertThat(config.streams()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(config.registry().baseUrl().toString()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
        assertThat(config.topics()).isEqualTo(TopicNames.DEFAULTS);
        assertThat(config.apiAccess().keyFile()).endsWith("api-keys.example");
        assertThat(config.http().port()).isEqualTo(7070);
    }
}
