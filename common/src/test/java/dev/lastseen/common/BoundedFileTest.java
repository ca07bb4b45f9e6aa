package dev.lastseen.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedFileTest {
    @TempDir
    Path dir;

    @Test
    void aFileWithinTheBoundIsReadWhole() throws IOException {
        Path f = Files.write(dir.resolve("f"), new byte[100]);
        assertThat(BoundedFile.read(f, 100)).hasSize(100);
        assertThat(BoundedFile.readAtMost(f, 1_000)).hasSize(100);
    }

    @Test
    void aFileOverTheBoundIsRefusedNamingItsSizeWhileReadAtMostReadsOnlyTheBound() throws IOException {
        Path f = Files.write(dir.resolve("f"), new byte[200_000]);
        assertThatThrownBy(() -> BoundedFile.read(f, 1_000))
                .isInstanceOf(BoundedFile.TooLargeException.class)
                .hasMessageContaining("is 200000 bytes, over the bound of 1000 bytes");
        assertThat(BoundedFile.readAtMost(f, 1_000)).hasSize(1_000);
    }

    @Test
    void textIsStrictUtf8() throws IOException {
        Path good = Files.writeString(dir.resolve("good"), "a=é\n", StandardCharsets.UTF_8);
        assertThat(BoundedFile.readUtf8(good, 100)).isEqualTo("a=é\n");
        Path bad = Files.write(dir.resolve("bad"), new byte[] {(byte) 0xFF, 'a'});
        assertThatThrownBy(() -> BoundedFile.readUtf8(bad, 100))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not UTF-8 text");
    }
}
