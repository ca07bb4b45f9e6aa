package dev.lastseen.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdFileTest {
    @TempDir
    Path dir;

    @Test
    void aRestartOnTheSameDirectoryGetsTheSameName() {
        String first;
        try (InstanceIdFile claim = InstanceIdFile.claim(dir.resolve("apply"), "lastseen-apply", "x.instance.id")) {
            first = claim.id();
        }
        try (InstanceIdFile again = InstanceIdFile.claim(dir.resolve("apply"), "lastseen-apply", "x.instance.id")) {
            assertThat(again.id()).isEqualTo(first).startsWith("lastseen-apply-");
        }
    }

    @Test
    void anotherDirectoryGetsAnotherName() {
        try (InstanceIdFile a = InstanceIdFile.claim(dir.resolve("a"), "x", "x.instance.id");
                InstanceIdFile b = InstanceIdFile.claim(dir.resolve("b"), "x", "x.instance.id")) {
            assertThat(a.id()).isNotEqualTo(b.id());
        }
    }

    @Test
    void aSecondClaimWhileTheFirstRunsIsRefused() {
        try (InstanceIdFile held = InstanceIdFile.claim(dir, "x", "x.instance.id")) {
            assertThat(held.id()).startsWith("x-");
            assertThatThrownBy(() -> InstanceIdFile.claim(dir, "x", "x.instance.id"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another running process holds " + dir);
        }
    }

    @Test
    void aFileThatHoldsNoNameIsRefusedWithWhatToDo() throws Exception {
        Files.writeString(dir.resolve(InstanceIdFile.ID_FILE), "not a name\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> InstanceIdFile.claim(dir, "x", "x.instance.id"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("delete it");
    }
}
