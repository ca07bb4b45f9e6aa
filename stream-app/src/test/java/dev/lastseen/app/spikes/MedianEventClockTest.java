package dev.lastseen.app.spikes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class MedianEventClockTest {
    @Property(tries = 500)
    void isTheMedianOfTheLastNEventsOnceNHaveArrived(
            @ForAll @Size(max = 200) List<@LongRange(min = 1, max = 1_000) Long> times,
            @ForAll @IntRange(min = 0, max = 10) int half) {
        int n = 2 * half + 1;
        MedianEventClock clock = new MedianEventClock(n);
        for (int i = 0; i < times.size(); i++) {
            clock.observe(times.get(i));
            if (i + 1 < n) {
                assertThat(clock.median()).isEqualTo(Long.MIN_VALUE);
            } else {
                List<Long> last = new ArrayList<>(times.subList(i + 1 - n, i + 1));
                last.sort(null);
                assertThat(clock.median()).isEqualTo(last.get(half));
            }
        }
    }

    @Property(tries = 200)
    void aMinorityOfOutliersCannotMoveItPastTheMajority(
            @ForAll @IntRange(min = 0, max = 15) int outliers,
            @ForAll @LongRange(min = 1, max = 1_000_000) long ahead) {
        MedianEventClock clock = new MedianEventClock(31);
        for (int i = 0; i < 31 - outliers; i++) {
            clock.observe(1_000);
        }
        for (int i = 0; i < outliers; i++) {
            clock.observe(1_000 + ahead);
        }
        assertThat(clock.median()).isEqualTo(1_000);
    }
}
