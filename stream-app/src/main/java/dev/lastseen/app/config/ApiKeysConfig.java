package dev.lastseen.app.config;

import dev.lastseen.config.ConfigFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The bearer API keys /v1 accepts: inline, from a file, or both. */
public final class ApiKeysConfig {
    public static final String API_KEYS = "lastseen.api.keys";
    public static final String API_KEYS_FILE = "lastseen.api.keys.file";

    static final int MAX_API_KEYS = 1000;
    static final int MIN_API_KEY_LENGTH = 16;

    private ApiKeysConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        API_KEYS,
                        ConfigDef.Type.PASSWORD,
                        null,
                        Importance.HIGH,
                        "Comma-separated bearer API keys for /v1 (at least 16 characters each).")
                .define(
                        API_KEYS_FILE,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.HIGH,
                        "File with one bearer API key per line (# comments allowed).");
    }

    public static List<String> from(AbstractConfig c) {
        List<String> keys = new ArrayList<>();
        Password inline = c.getPassword(API_KEYS);
        if (inline != null) {
            Arrays.stream(inline.value().split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .forEach(keys::add);
        }
        String file = c.getString(API_KEYS_FILE);
        if (file != null) {
            keys.addAll(ConfigFiles.lines(API_KEYS_FILE, file));
        }
        if (keys.size() > MAX_API_KEYS) {
            throw new ConfigException(
                    API_KEYS, "[hidden]", keys.size() + " keys configured, over the bound of " + MAX_API_KEYS);
        }
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).length() < MIN_API_KEY_LENGTH) {
                // Never echo the key itself.
                throw new ConfigException(
                        API_KEYS,
                        "[hidden]",
                        "key #" + (i + 1) + " is shorter than " + MIN_API_KEY_LENGTH + " characters");
            }
        }
        return List.copyOf(keys);
    }
}
