package dev.lastseen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    @TempDir
    Path dir;

    @Test
    void aSecretFileIsReadStrippedAndAnEmptyOneIsRefusedNamingTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("password"), "  s3cret-value\n");
        assertThat(ConfigFiles.secret("some.password.file", file.toString())).isEqualTo("s3cret-value");

        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        assertThatThrownBy(() -> ConfigFiles.secret("some.password.file", empty.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("some.password.file")
                .hasMessageContaining("file is empty");
    }

    @Test
    void aListFileKeepsItsLinesWithoutBlanksAndComments() throws IOException {
        Path file = Files.writeString(dir.resolve("keys"), "# api keys\nfirst-key\n\n  second-key  \n# end\n");
        assertThat(ConfigFiles.lines("some.keys.file", file.toString())).containsExactly("first-key", "second-key");
    }

    @Test
    void aFileOverTheBoundIsRefusedWithoutReadingIt() throws IOException {
        Path big = dir.resolve("big");
        Files.write(big, new byte[(int) ConfigSources.MAX_FILE_BYTES + 1]);
        assertThatThrownBy(() -> ConfigFiles.lines("some.keys.file", big.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("over the bound of " + ConfigSources.MAX_FILE_BYTES);
    }

    @Test
    void aMissingFileIsReportedWithItsKey() {
        assertThatThrownBy(() -> ConfigFiles.secret(
                        "some.password.file", dir.resolve("absent").toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("some.password.file")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void theEnvironmentOverridesTheFileForTheKeysGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), "lastseen.http.port = 7070\nother = x\n");
        Map<String, Object> values = new HashMap<>(ConfigSources.read(file));
        ConfigSources.applyEnvironment(
                values,
                List.of("lastseen.http.port", "bootstrap.servers"),
                Map.of("LASTSEEN_HTTP_PORT", " 9000 ", "LASTSEEN_BOOTSTRAP_SERVERS", "broker:9092"));
        assertThat(values)
                .containsEntry("lastseen.http.port", "9000")
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("other", "x");
    }
}
