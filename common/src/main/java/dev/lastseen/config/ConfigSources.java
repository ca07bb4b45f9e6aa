package dev.lastseen.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where every lastseen command's configuration comes from, the same way for {@code run} and
 * {@code apply}: a properties file (bounded in size: it is an input too), then the environment,
 * where a key is {@code LASTSEEN_} + the key without {@code lastseen.}, upper-cased, dots and
 * dashes as underscores ({@code lastseen.http.port} → {@code LASTSEEN_HTTP_PORT},
 * {@code bootstrap.servers} → {@code LASTSEEN_BOOTSTRAP_SERVERS}).
 */
public final class ConfigSources {
    public static final String PREFIX = "lastseen.";
    /** Bound on the size of configuration and secret files. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    private ConfigSources() {}

    /** The file's keys and trimmed values; none for a null file. Errors name the file. */
    public static Map<String, Object> read(Path file) {
        Map<String, Object> values = new HashMap<>();
        if (file == null) {
            return values;
        }
        Properties props = new Properties();
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(
                        "Configuration file " + file + " is " + size + " bytes, over the bound of " + MAX_FILE_BYTES);
            }
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            }
        } catch (IOException e) {
            throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
        }
        props.stringPropertyNames()
                .forEach(k -> values.put(k, props.getProperty(k).trim()));
        return values;
    }

    /** Environment variable name for a key (see class doc). */
    public static String envName(String key) {
        String stripped = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
        return "LASTSEEN_" + stripped.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Overrides {@code values} with the environment variable of each of {@code keys} that is set. */
    public static void applyEnvironment(Map<String, Object> values, Collection<String> keys, Map<String, String> env) {
        for (String key : keys) {
            String v = env.get(envName(key));
            if (v != null) {
                values.put(key, v.trim());
            }
        }
    }
}
