package dev.lastseen.app.http;

import dev.lastseen.common.LogSafe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every refused request by reason ({@code lastseen_api_auth_failures_total{reason}}) and
 * logs it — the reason and the client's address, never what was presented — at most once per
 * reason every {@link #LOG_EVERY}, with how many were not logged since: a burst of guesses can
 * neither flood the log nor hide in it.
 */
public final class AuthFailures {
    private static final Logger log = LoggerFactory.getLogger(AuthFailures.class);
    static final Duration LOG_EVERY = Duration.ofSeconds(10);
    private static final int MAX_ADDRESS_CHARS = 64;

    private final Map<AuthFailureReason, Counter> counters = new EnumMap<>(AuthFailureReason.class);
    private final Map<AuthFailureReason, AtomicLong> lastLogged = new EnumMap<>(AuthFailureReason.class);
    private final Map<AuthFailureReason, AtomicLong> unlogged = new EnumMap<>(AuthFailureReason.class);
    private final LongSupplier nanoTime;

    public AuthFailures(MeterRegistry meters) {
        this(meters, System::nanoTime);
    }

    AuthFailures(MeterRegistry meters, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        for (AuthFailureReason reason : AuthFailureReason.values()) {
            counters.put(
                    reason,
                    Counter.builder("lastseen.api.auth.failures")
                            .description("API requests refused: no or malformed credentials (401), unknown key,"
                                    + " key used outside its accounts, bad instance signature (403)")
                            .tag("reason", reason.code())
                            .register(meters));
            lastLogged.put(reason, new AtomicLong(Long.MIN_VALUE));
            unlogged.put(reason, new AtomicLong());
        }
    }

    /** Counts one refusal and logs it unless one of the same reason was logged within {@link #LOG_EVERY}. */
    public void failed(AuthFailureReason reason, String clientAddress) {
        counters.get(reason).increment();
        long now = nanoTime.getAsLong();
        AtomicLong last = lastLogged.get(reason);
        long before = last.get();
        boolean due = before == Long.MIN_VALUE || now - before >= LOG_EVERY.toNanos();
        if (due && last.compareAndSet(before, now)) {
            long suppressed = unlogged.get(reason).getAndSet(0);
            log.warn(
                    "API request refused: reason={} client={}{}",
                    reason.code(),
                    LogSafe.oneLine(String.valueOf(clientAddress), MAX_ADDRESS_CHARS),
                    suppressed == 0 ? "" : " (" + suppressed + " more refusal(s) for this reason since the last line)");
        } else {
            unlogged.get(reason).incrementAndGet();
        }
    }
}
