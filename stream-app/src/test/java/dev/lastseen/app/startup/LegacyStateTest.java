package dev.lastseen.app.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegacyStateTest {
    @TempDir
    Path stateDir;

    @Test
    void theLegacySecretBearingTopicsAreNamedFromTheApplicationId() {
        assertThat(LegacyState.secretBearingTopics("lastseen"))
                .containsExactly("lastseen-registry-by-account-repartition", "lastseen-token-registry-changelog");
        assertThat(LegacyState.warning(Set.of("lastseen-token-registry-changelog")))
                .contains("lastseen-token-registry-changelog")
                .contains(LegacyState.DELETE_COMMAND)
                .contains("RUNBOOK");
    }

    @Test
    void onlyTheLegacyRegistryStoreDirectoriesOfEveryTaskAreDeleted() throws Exception {
        Path app = stateDir.resolve("lastseen");
        for (String task : new String[] {"1_0", "2_1"}) {
            Files.createDirectories(app.resolve(task).resolve("rocksdb/token-registry"))
                    .resolve("000007.sst")
                    .toFile()
                    .createNewFile();
            Files.createDirectories(app.resolve(task).resolve("rocksdb/token-registry-v2"))
                    .resolve("000009.sst")
                    .toFile()
                    .createNewFile();
            Files.createDirectories(app.resolve(task).resolve("rocksdb/token-usage"));
        }
        Files.createDirectories(stateDir.resolve("other-app/1_0/rocksdb/token-registry"));

        List<Path> deleted = LegacyState.purgeLocalStores(stateDir, "lastseen");

        assertThat(deleted)
                .containsExactlyInAnyOrder(
                        app.resolve("1_0/rocksdb/token-registry"), app.resolve("2_1/rocksdb/token-registry"));
        assertThat(app.resolve("1_0/rocksdb/token-registry")).doesNotExist();
        assertThat(app.resolve("1_0/rocksdb/token-registry-v2/000009.sst")).exists();
        assertThat(app.resolve("2_1/rocksdb/token-usage")).isDirectory();
        assertThat(stateDir.resolve("other-app/1_0/rocksdb/token-registry"))
                .as("another application's state is not ours")
                .isDirectory();
        assertThat(LegacyState.purgeLocalStores(stateDir, "never-ran")).isEmpty();
    }
}
