package dev.lastseen.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads the secret files a configuration key names (passwords, API-key lists), bounded in size like
 * the configuration file itself: they are inputs too. Errors name the key and the file, never the
 * content.
 */
public final class ConfigFiles {
    private ConfigFiles() {}

    /** The file's content, stripped; a file that is empty after stripping is refused. */
    public static String secret(String key, String file) {
        String content = read(key, file).strip();
        if (content.isEmpty()) {
            throw new ConfigException(key, file, "file is empty");
        }
        return content;
    }

    /** The file's trimmed lines, without empty ones and {@code #} comments. */
    public static List<String> lines(String key, String file) {
        List<String> lines = new ArrayList<>();
        for (String line : read(key, file).split("\\R")) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#")) {
                lines.add(l);
            }
        }
        return lines;
    }

    private static String read(String key, String file) {
        Path path = Path.of(file);
        try {
            long size = Files.size(path);
            if (size > ConfigSources.MAX_FILE_BYTES) {
                throw new ConfigException(
                        key, file, "file is " + size + " bytes, over the bound of " + ConfigSources.MAX_FILE_BYTES);
            }
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(key, file, "cannot be read: " + e.getMessage());
        }
    }
}
