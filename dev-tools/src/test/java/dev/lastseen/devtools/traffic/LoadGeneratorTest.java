package dev.lastseen.devtools.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
    /** Records what it is sent, in order, and acknowledges everything. */
    static class ListSink implements TrafficSink {
        final List<Object> sent = new ArrayList<>();
        final List<String> keys = new ArrayList<>();

        @Override
        public void registry(String tokenId, ServiceToken token) {
            keys.add(tokenId);
            sent.add(token);
        }

        @Override
        public void login(String accountId, LoginEvent event) {
            keys.add(accountId);
            sent.add(event);
        }

        @Override
        public void flush() {}

        @Override
        public long acked() {
            return sent.size();
        }

        @Override
        public long failed() {
            return 0;
        }

        @Override
        public String firstFailure() {
            return null;
        }

        @Override
        public void close() {}
    }

    private static SyntheticTraffic traffic(int tokens) {
        return new SyntheticTraffic(
                new SyntheticTraffic.Settings(5, tokens, 1.1, 0.05, 0.05, Duration.ofSeconds(1), 1));
    }

    @Test
    void registryRecordsOfEveryTokenComeBeforeAnyLoginAndKeysFollowTheContract() {
        ListSink sink = new ListSink();
        LoadGenerator.Result r = new LoadGenerator(traffic(50), sink, line -> {})
                .run(new LoadPlan(LoadPlan.AS_FAST_AS_POSSIBLE, 500, null), true);
        assertThat(r.registryRecords()).isEqualTo(50);
        assertThat(r.logins()).isEqualTo(500);
        assertThat(sink.sent).hasSize(550);
        for (int i = 0; i < 50; i++) {
            ServiceToken t = (ServiceToken) sink.sent.get(i);
            assertThat(sink.keys.get(i)).isEqualTo(t.getTokenId());
        }
        for (int i = 50; i < 550; i++) {
            LoginEvent e = (LoginEvent) sink.sent.get(i);
            assertThat(sink.keys.get(i)).isEqualTo(e.getAccountId());
        }
    }

    @Test
    void countZeroPublishesOnlyTheRegistryAndNoRegistryRecordsSkipsIt() {
        ListSink registryOnly = new ListSink();
        new LoadGenerator(traffic(20), registryOnly, line -> {})
                .run(new LoadPlan(LoadPlan.AS_FAST_AS_POSSIBLE, 0, null), true);
        assertThat(registryOnly.sent).hasSize(20).allMatch(ServiceToken.class::isInstance);

        ListSink loginsOnly = new ListSink();
        new LoadGenerator(traffic(20), loginsOnly, line -> {})
                .run(new LoadPlan(LoadPlan.AS_FAST_AS_POSSIBLE, 30, null), false);
        assertThat(loginsOnly.sent).hasSize(30).allMatch(LoginEvent.class::isInstance);
    }

    @Test
    void aDurationEndsAnUnboundedRunAndProgressIsReported() {
        ListSink sink = new ListSink();
        List<String> progress = new ArrayList<>();
        LoadGenerator.Result r = new LoadGenerator(traffic(20), sink, progress::add)
                .run(new LoadPlan(200, LoadPlan.UNBOUNDED, Duration.ofMillis(1500)), false);
        // paced at 200/s for 1.5 s: about 300, never far beyond the schedule
        assertThat(r.logins()).isPositive().isLessThanOrEqualTo(302);
        assertThat(r.loginElapsed())
                .as("ended by the duration, not before")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(progress)
                .anySatisfy(line -> assertThat(line).contains("/s now").contains("ETA"));
    }

    @Test
    void stopEndsARunningUnboundedRunAtTheNextRecord() throws Exception {
        CountDownLatch running = new CountDownLatch(1_000);
        ListSink sink = new ListSink() {
            @Override
            public void login(String accountId, LoginEvent event) {
                super.login(accountId, event);
                running.countDown();
            }
        };
        LoadGenerator g = new LoadGenerator(traffic(20), sink, line -> {});
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            // No count, no duration: only stop() can end this run.
            Future<LoadGenerator.Result> run = runner.submit(
                    () -> g.run(new LoadPlan(LoadPlan.AS_FAST_AS_POSSIBLE, LoadPlan.UNBOUNDED, null), true));
            assertThat(running.await(30, TimeUnit.SECONDS))
                    .as("the run produced logins")
                    .isTrue();
            assertThat(run).as("still running before stop()").isNotDone();

            g.stop();

            LoadGenerator.Result r = run.get(30, TimeUnit.SECONDS);
            assertThat(r.registryRecords()).isEqualTo(20);
            assertThat(r.logins()).isGreaterThanOrEqualTo(1_000);
            assertThat(sink.sent).hasSize((int) (r.registryRecords() + r.logins()));
        } finally {
            runner.shutdownNow();
        }
    }

    @Test
    void planBoundsAreChecked() {
        assertThatThrownBy(() -> new LoadPlan(-1, 1, null)).hasMessageContaining("rate");
        assertThatThrownBy(() -> new LoadPlan(1, -2, null)).hasMessageContaining("count");
        assertThatThrownBy(() -> new LoadPlan(1, 1, Duration.ZERO)).hasMessageContaining("duration");
        assertThat(new LoadPlan(100, LoadPlan.UNBOUNDED, Duration.ofSeconds(10)).expectedTotal())
                .isEqualTo(1000);
        assertThat(new LoadPlan(100, 50, Duration.ofSeconds(10)).expectedTotal())
                .isEqualTo(50);
        assertThat(new LoadPlan(LoadPlan.AS_FAST_AS_POSSIBLE, LoadPlan.UNBOUNDED, Duration.ofSeconds(10))
                        .expectedTotal())
                .isEqualTo(-1);
    }

    @Test
    void progressLineShowsTotalRateAndEta() {
        String line = Progress.line(500, 480, 100, Duration.ofSeconds(5), 1500, null);
        assertThat(line)
                .contains("500 sent")
                .contains("480 acked")
                .contains("100/s now")
                .contains("33%")
                .contains("ETA 0:10");
    }
}
