package dev.lastseen.app.thresholds;

/**
 * Explicit bounds on the thresholds file (an auto-generated file once grew past
 * what its reader could hold and took the service down): exceeding any of them
 * is a counted rejection, never a crash.
 *
 * @param maxFileBytes       largest accepted file, checked before reading
 * @param maxEntries         most per-account entries
 * @param minMinimum         smallest accepted {@code minimum}
 * @param maxMinimum         largest accepted {@code minimum}
 * @param minFactor          smallest accepted {@code factor}
 * @param maxFactor          largest accepted {@code factor}
 * @param maxAccountIdLength longest account id, in UTF-16 chars
 */
public record ThresholdsLimits(
        long maxFileBytes,
        int maxEntries,
        long minMinimum,
        long maxMinimum,
        double minFactor,
        double maxFactor,
        int maxAccountIdLength) {

    public static final long DEFAULT_MAX_FILE_BYTES = 1L << 20; // 1 MiB
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    public static final long DEFAULT_MIN_MINIMUM = 1;
    public static final long DEFAULT_MAX_MINIMUM = 1_000_000;
    public static final double DEFAULT_MIN_FACTOR = 1.0;
    public static final double DEFAULT_MAX_FACTOR = 1000.0;
    public static final int DEFAULT_MAX_ACCOUNT_ID_LENGTH = 128;

    /** The whole file is read into memory, so it must fit a byte array. */
    static final long HARD_MAX_FILE_BYTES = Integer.MAX_VALUE - 16;

    public ThresholdsLimits {
        if (maxFileBytes < 1 || maxFileBytes > HARD_MAX_FILE_BYTES) {
            throw new IllegalArgumentException(
                    "maxFileBytes must be in [1, " + HARD_MAX_FILE_BYTES + "], was " + maxFileBytes);
        }
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0, was " + maxEntries);
        }
        if (minMinimum < 1 || maxMinimum < minMinimum) {
            throw new IllegalArgumentException(
                    "need 1 <= minMinimum <= maxMinimum, was [" + minMinimum + ", " + maxMinimum + "]");
        }
        if (!Double.isFinite(minFactor) || !Double.isFinite(maxFactor) || minFactor <= 0.0 || maxFactor < minFactor) {
            throw new IllegalArgumentException(
                    "need finite 0 < minFactor <= maxFactor, was [" + minFactor + ", " + maxFactor + "]");
        }
        if (maxAccountIdLength < 1) {
            throw new IllegalArgumentException("maxAccountIdLength must be >= 1, was " + maxAccountIdLength);
        }
    }

    public static ThresholdsLimits defaults() {
        return new ThresholdsLimits(
                DEFAULT_MAX_FILE_BYTES,
                DEFAULT_MAX_ENTRIES,
                DEFAULT_MIN_MINIMUM,
                DEFAULT_MAX_MINIMUM,
                DEFAULT_MIN_FACTOR,
                DEFAULT_MAX_FACTOR,
                DEFAULT_MAX_ACCOUNT_ID_LENGTH);
    }
}
