package dev.lastseen.config;

import dev.lastseen.common.BoundedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads the secret files a configuration key names (passwords, API-key lists), bounded in size like
 * the configuration file itself (through {@link BoundedFile}, strict UTF-8): they are inputs too. Errors name the key and the file, never the
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
        try {
            return BoundedFile.readUtf8(Path.of(file), (int) ConfigSources.MAX_FILE_BYTES);
        } catch (BoundedFile.TooLargeException e) {
            throw new ConfigException(key, file, "file " + e.reason());
        } catch (IOException e) {
            throw new ConfigException(key, file, "cannot be read: " + e.getMessage());
        }
    }
}
