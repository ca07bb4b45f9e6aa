package dev.lastseen.app.thresholds;

/**
 * Which thresholds are in force and where they came from: the configured file, the saved
 * last-known-good copy of it, or the configured defaults. {@code sha256} is the first 12 hex digits of
 * the content's SHA-256 (null for the defaults): the version to compare with the file a generator wrote.
 */
public record InForce(Source source, String sha256) {
    public enum Source {
        FILE("file"),
        LAST_KNOWN_GOOD("last_known_good"),
        DEFAULTS("defaults");

        private final String code;

        Source(String code) {
            this.code = code;
        }

        /** The {@code source} label of {@code lastseen_thresholds_info}. */
        public String code() {
            return code;
        }
    }

    public static final InForce DEFAULTS = new InForce(Source.DEFAULTS, null);

    @Override
    public String toString() {
        return sha256 == null ? source.code() : source.code() + " sha256=" + sha256;
    }

    /** Told whenever what is in force changes (and once at start). Must not block. */
    @FunctionalInterface
    public interface Listener {
        void inForce(InForce inForce);

        Listener NONE = inForce -> {};
    }
}
