package dev.lastseen.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.RestartConfig;
import dev.lastseen.config.RegistryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdentityTest {
    @TempDir
    Path stateDir;

    private LastseenConfig config(String instanceId) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", "localhost:9092");
        m.put(RegistryConfig.URL, "mem:");
        m.put("state.dir", stateDir.toString());
        if (instanceId != null) {
            m.put(RestartConfig.INSTANCE_ID, instanceId);
        }
        return ConfigLoader.fromMap(m);
    }

    @Test
    void withoutAConfiguredIdTheFirstStartCreatesOneInTheStateDirectoryAndEveryLaterStartReusesIt() {
        LastseenConfig first = InstanceIdentity.resolve(config(null));
        String id = first.resilience().instanceId();
        assertThat(id).startsWith("lastseen-").matches("[a-zA-Z0-9._-]+");
        assertThat(first.resilience().staticMember()).isTrue();
        assertThat(first.resilience().leavesGroupOnShutdown())
                .as("a restart on the same volume rejoins as the same member")
                .isFalse();
        assertThat(first.streams()).containsEntry("group.instance.id", id);
        assertThat(stateDir.resolve("lastseen").resolve(InstanceIdentity.FILE)).hasContent(id);

        LastseenConfig again = InstanceIdentity.resolve(config(null));
        assertThat(again.resilience().instanceId()).isEqualTo(id);
    }

    @Test
    void aConfiguredIdOverridesTheFileAndCreatesNone() {
        LastseenConfig c = InstanceIdentity.resolve(config("pod-0"));
        assertThat(c.resilience().instanceId()).isEqualTo("pod-0");
        assertThat(c.streams()).containsEntry("group.instance.id", "pod-0");
        assertThat(stateDir.resolve("lastseen").resolve(InstanceIdentity.FILE)).doesNotExist();
    }

    @Test
    void deletingTheFileGivesTheStateANewIdentity() throws Exception {
        String before = InstanceIdentity.resolve(config(null)).resilience().instanceId();
        Files.delete(stateDir.resolve("lastseen").resolve(InstanceIdentity.FILE));
        assertThat(InstanceIdentity.resolve(config(null)).resilience().instanceId())
                .isNotEqualTo(before);
    }

    @Test
    void aDamagedFileIsRefusedNamingTheFileAndTheKey() throws Exception {
        Path file = Files.createDirectories(stateDir.resolve("lastseen")).resolve(InstanceIdentity.FILE);
        Files.writeString(file, "not a valid/name\n");
        assertThatThrownBy(() -> InstanceIdentity.resolve(config(null)))
                .hasMessageContaining(file.toString())
                .hasMessageContaining(RestartConfig.INSTANCE_ID);
    }
}
