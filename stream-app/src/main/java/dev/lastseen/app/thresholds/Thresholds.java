package dev.lastseen.app.thresholds;

import java.util.Map;
import java.util.Objects;

/**
 * Immutable per-account failure-spike thresholds: a default plus overrides by
 * {@code account_id}.
 *
 * @param defaultThreshold applies to every account without an override
 * @param accounts         overrides by account id (copied; unmodifiable)
 */
public record Thresholds(SpikeThreshold defaultThreshold, Map<String, SpikeThreshold> accounts) {

    public Thresholds {
        Objects.requireNonNull(defaultThreshold, "defaultThreshold");
        accounts = Map.copyOf(Objects.requireNonNull(accounts, "accounts"));
    }

    /** Thresholds with only a default and no per-account overrides. */
    public static Thresholds of(SpikeThreshold defaultThreshold) {
        return new Thresholds(defaultThreshold, Map.of());
    }

    /** {@link SpikeThreshold#DEFAULT} for every account. */
    public static Thresholds builtInDefaults() {
        return of(SpikeThreshold.DEFAULT);
    }

    /** The account's override if it has one, else the default (also for a null id). */
    public SpikeThreshold forAccount(String accountId) {
        if (accountId == null) {
            return defaultThreshold;
        }
        return accounts.getOrDefault(accountId, defaultThreshold);
    }

    /** Number of per-account overrides. */
    public int size() {
        return accounts.size();
    }
}
