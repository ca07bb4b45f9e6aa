package dev.lastseen.app.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.registry.RegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistryWaitTest {
    private final List<Long> sleeps = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();

    private RegistryWait waitUpTo(Duration deadline) {
        return new RegistryWait(
                "http://registry:8081",
                deadline,
                delay -> {
                    sleeps.add(delay.toMillis());
                    nanos.addAndGet(delay.toNanos());
                },
                nanos::get);
    }

    @Test
    void unreachableRegistryIsRetriedWithGrowingDelaysUntilItAnswers() {
        AtomicInteger calls = new AtomicInteger();

        String result = waitUpTo(null).run("checking", () -> {
            if (calls.incrementAndGet() < 8) {
                throw new RegistryUnavailableException("connection refused");
            }
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(sleeps).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L);
    }

    @Test
    void theDeadlineEndsTheWaitWithAOneLineMessageNamingTheRegistryAndTheOption() {
        assertThatThrownBy(() -> waitUpTo(Duration.ofSeconds(10)).run("checking lastseen's schemas", () -> {
                    throw new RegistryUnavailableException("connection refused");
                }))
                .isInstanceOf(StartupCheckException.class)
                .hasMessageContaining("http://registry:8081")
                .hasMessageContaining("--registry-wait")
                .hasMessageNotContaining("\n");
        assertThat(sleeps).containsExactly(1_000L, 2_000L, 4_000L);
    }

    @Test
    void otherFailuresAreNotWaitedFor() {
        assertThatThrownBy(() -> waitUpTo(null).run("checking", () -> {
                    throw new IllegalStateException("bug");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(sleeps).isEmpty();
    }
}
