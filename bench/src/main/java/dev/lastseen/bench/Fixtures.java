package dev.lastseen.bench;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.state.TokenKey;
import java.time.Duration;
import java.time.Instant;

/** Inputs shared by the benchmarks: the load generator's own traffic, so micro and end-to-end figures describe one workload. */
final class Fixtures {
    /** Distinct inputs cycled through; a power of two so the index is a mask. */
    static final int SAMPLES = 1 << 16;

    private Fixtures() {}

    static SyntheticTraffic traffic(int tokens) {
        return new SyntheticTraffic(new SyntheticTraffic.Settings(
                Math.min(1_000, tokens), tokens, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 42));
    }

    static LoginEvent[] logins(int tokens) {
        SyntheticTraffic t = traffic(tokens);
        Instant now = Instant.now();
        LoginEvent[] events = new LoginEvent[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            events[i] = t.next(now);
        }
        return events;
    }

    /** Token keys of successful token logins, in Zipf order of popularity. */
    static TokenKey[] keys(int tokens) {
        LoginEvent[] events = logins(tokens);
        TokenKey[] keys = new TokenKey[SAMPLES];
        int n = 0;
        for (int i = 0; n < SAMPLES; i = (i + 1) % SAMPLES) {
            LoginEvent e = events[i];
            if (e.getTokenId() != null) {
                keys[n++] = new TokenKey(e.getAccountId(), e.getTokenId());
            }
        }
        return keys;
    }
}
