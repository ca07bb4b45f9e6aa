package dev.lastseen.app.config;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;

/**
 * The API key file's settings: where it is and how often it is polled. The keys that held API keys
 * themselves (inline or one per line, global) are refused at start-up with a message that says how
 * to move to the key file.
 */
public final class ApiAccessConfig {
    public static final String KEY_FILE = "lastseen.api.key.file";
    public static final String KEY_FILE_POLL_MS = "lastseen.api.key.file.poll.ms";

    /** The keys of the old, global API keys, and why each is refused. */
    static final Map<String, String> REMOVED = Map.of(
            "lastseen.api.keys",
            "API keys are no longer configured inline",
            "lastseen.api.keys.file",
            "the file of plain API keys is replaced by a key file of digests");

    /**
     * Where the key file, its settings and what it means are.
     *
     * @param keyFile      the key file, or null: no key is valid (every /v1 request is refused)
     * @param pollInterval how often the file is checked for changes
     */
    public record Settings(String keyFile, Duration pollInterval) {}

    private ApiAccessConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        KEY_FILE,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.HIGH,
                        "The API key file: one line per key, 'sha256:<digest of the key> <account>[,<account>...]' or"
                                + " '... *' for every account ('lastseen api-key digest' prints a line). Reloaded live"
                                + " with the thresholds' last-known-good rules. Without it every /v1 request is refused.")
                .define(
                        KEY_FILE_POLL_MS,
                        ConfigDef.Type.LONG,
                        5_000L,
                        Range.between(100, 3_600_000),
                        Importance.LOW,
                        "How often the API key file is checked for changes (a revoked key stops working within this).");
    }

    /** Refuses a key of the old global API keys, saying what to do instead. */
    static void refuseRemoved(String key) {
        String why = REMOVED.get(key);
        if (why != null) {
            throw new ConfigException(key + " is no longer supported: " + why + ". Write an API key file (" + KEY_FILE
                    + "): one line per key with its digest and the accounts it may read; 'lastseen api-key"
                    + " digest' prints the line for a key (docs/REFERENCE.md, 'API key file').");
        }
    }

    public static Settings from(AbstractConfig c) {
        String file = c.getString(KEY_FILE);
        return new Settings(
                file == null || file.isBlank() ? null : file, Duration.ofMillis(c.getLong(KEY_FILE_POLL_MS)));
    }
}
