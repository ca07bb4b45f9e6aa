package dev.lastseen.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SecretIndexTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsASecretAnywhereAndNamesItsLabelNotItsValue() {
        SecretIndex index = new SecretIndex();
        assertThat(index.add("sha256:0123456789abcdef", "tok-1")).isTrue();
        assertThat(index.add("sha256:0123456789abcdeX", "tok-2"))
                .as("same prefix, other secret")
                .isTrue();
        assertThat(index.add("sha256:0123456789abcdef", "tok-3"))
                .as("already there")
                .isFalse();
        assertThat(index.add("short", "tok-4")).as("shorter than the window").isFalse();
        assertThat(index.size()).isEqualTo(2);

        assertThat(index.find(utf8("sha256:0123456789abcdef"))).isEqualTo(new SecretIndex.Match("tok-1", 0));
        assertThat(index.find(utf8("xx sha256:0123456789abcdeX"))).isEqualTo(new SecretIndex.Match("tok-2", 3));
        assertThat(index.find(utf8("sha256:0123456789abcde")))
                .as("cut short at the end")
                .isNull();
        assertThat(index.find(utf8("sha256:0123456789abcdeZ"))).isNull();
        assertThat(index.find(null)).isNull();
        assertThat(index.find(new byte[3])).isNull();
    }

    @Property(tries = 300)
    void findsEveryPlantedSecretAmongManyInRandomBytes(
            @ForAll @IntRange(min = 1, max = 2000) int secrets,
            @ForAll long seed,
            @ForAll @Size(max = 3) List<@IntRange(min = 0, max = 1999) Integer> planted) {
        Random random = new Random(seed);
        SecretIndex index = new SecretIndex();
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < secrets; i++) {
            byte[] s = new byte[8 + random.nextInt(40)];
            random.nextBytes(s);
            if (index.add(s, "t" + i)) {
                all.add(s);
            }
        }
        byte[] data = new byte[4096];
        random.nextBytes(data);
        for (int which : planted) {
            byte[] s = all.get(which % all.size());
            int at = random.nextInt(data.length - s.length + 1);
            System.arraycopy(s, 0, data, at, s.length);
        }
        SecretIndex.Match m = index.find(data);
        if (planted.isEmpty()) {
            // 4 KiB of random bytes hold none of up to 2000 random secrets of 8+ bytes, but for a 1-in-2^50 chance.
            assertThat(m).isNull();
        } else {
            assertThat(m).isNotNull();
        }
    }
}
