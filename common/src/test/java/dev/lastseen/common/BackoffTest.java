package dev.lastseen.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void withoutJitterEachRetryDoublesTheWaitUpToTheMaximum() {
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(java.util.stream.IntStream.range(0, 8).mapToObj(backoff::delay))
                .extracting(Duration::toMillis)
                .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
    }

    @Test
    void withJitterEachWaitLiesInTheUpperHalfOfItsCeilingAndLateRetriesNeverOverflow() {
        Backoff backoff =
                Backoff.exponential(Duration.ofMillis(3), Duration.ofSeconds(7)).withJitter();
        for (int retry = 0; retry < 200; retry++) {
            long ceilingMillis = retry < 20 ? Math.min(7_000, 3L << retry) : 7_000;
            assertThat(backoff.delay(retry))
                    .as("retry %d", retry)
                    .isBetween(Duration.ofMillis(ceilingMillis).dividedBy(2), Duration.ofMillis(ceilingMillis));
        }
    }

    @Test
    void jitteredWaitsDiffer() {
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .withJitter();
        assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> backoff.delay(0)))
                .doesNotHaveDuplicates();
    }

    @Test
    void aServerRequestedWaitRaisesTheDelayButNeverAboveTheMaximum() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));
        assertThat(backoff.delay(0, Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delay(0, Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(0, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delay(3, null)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void attemptsCountFailuresAndStartOverAfterAReset() {
        Backoff.Attempts attempts = Backoff.exponential(Duration.ofMillis(25), Duration.ofMillis(400))
                .attempts();
        assertThat(attempts.next()).isEqualTo(Duration.ofMillis(25));
        assertThat(attempts.next()).isEqualTo(Duration.ofMillis(50));
        assertThat(attempts.failures()).isEqualTo(2);
        attempts.reset();
        assertThat(attempts.failures()).isZero();
        assertThat(attempts.next()).isEqualTo(Duration.ofMillis(25));
    }

    @Test
    void invalidBoundsAreRejected() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("initial backoff must be positive");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("must not be less than");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1))
                        .delay(-1))
                .hasMessageContaining("retry must not be negative");
    }
}
