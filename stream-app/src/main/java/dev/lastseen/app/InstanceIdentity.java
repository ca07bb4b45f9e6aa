package dev.lastseen.app;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.RestartConfig;
import dev.lastseen.common.BoundedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's stable identity when {@value RestartConfig#INSTANCE_ID} is not configured: a name kept
 * in the state directory ({@code <state.dir>/lastseen/instance.id}), created on the first start. The
 * identity then belongs to the state: a crash or restart on the same volume rejoins the group as the
 * same static member (its tasks come back at once, with their local state) instead of waiting for the
 * old member's session to expire. A configured name always wins.
 */
public final class InstanceIdentity {
    private static final Logger log = LoggerFactory.getLogger(InstanceIdentity.class);
    static final String FILE = "instance.id";
    private static final String VALID = "[a-zA-Z0-9._-]{1,240}";
    private static final int MAX_FILE_BYTES = 4096;

    private InstanceIdentity() {}

    /** The configuration as given when it names the instance, else as the static member the state directory names. */
    public static LastseenConfig resolve(LastseenConfig config) {
        if (config.resilience().instanceId() != null) {
            return config;
        }
        Path file = LastseenApp.ownDir(config).resolve(FILE);
        return config.withInstanceId(readOrCreate(file));
    }

    static String readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            // Bounded like every file lastseen reads: a name is at most 240 characters.
            String id = BoundedFile.readUtf8(file, MAX_FILE_BYTES).trim();
            if (!id.matches(VALID)) {
                throw new IllegalStateException("The instance id file " + file
                        + " does not hold a valid name (1..240 characters of [a-zA-Z0-9._-]): delete it to get a new"
                        + " one, or set " + RestartConfig.INSTANCE_ID);
            }
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read or create the instance id file " + file
                            + " (the state directory must be writable), or set " + RestartConfig.INSTANCE_ID,
                    e);
        }
    }

    /** Written whole or not at all (temporary file, then an atomic move that never replaces one already there). */
    private static void create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String id = "lastseen-" + UUID.randomUUID();
        Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
        try {
            Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
            try {
                Files.createLink(file, tmp);
                log.info(
                        "No {} configured: this instance is {} from now on (kept in {})",
                        RestartConfig.INSTANCE_ID,
                        id,
                        file);
            } catch (FileAlreadyExistsException raced) {
                // Another start got there first: its name is the one.
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
