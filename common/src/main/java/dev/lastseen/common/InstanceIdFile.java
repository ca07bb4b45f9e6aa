package dev.lastseen.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A process's stable name kept in a file in a local directory: created once (prefix plus a random
 * suffix), read back by every later start on the same directory, so a restarted process is the same
 * static group member as before and gets its partitions back without waiting out a session. The
 * directory is locked while the process runs: two processes never claim the same name (a second one
 * on the same directory is refused, since two static members with one name fence each other).
 */
public final class InstanceIdFile implements AutoCloseable {
    public static final String ID_FILE = "instance.id";
    static final String LOCK_FILE = "instance.lock";
    /**
     * Longest kept name: Kafka bounds a group.instance.id at 249 characters, and Kafka Streams appends "-"
     * and the stream thread's index to it.
     */
    public static final int MAX_LENGTH = 240;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    private final String id;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private InstanceIdFile(String id, FileChannel lockChannel, FileLock lock) {
        this.id = id;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Claims the name kept in {@code dir}, creating the directory and the name ({@code prefix-<random>})
     * on the first start, and locks the directory while the claim is open.
     *
     * @param configKey the key that names the process instead (named in errors)
     * @throws IllegalStateException when another running process holds the directory, or its name file is not a name
     * @throws UncheckedIOException  when the directory cannot be created, locked or written
     */
    public static InstanceIdFile claim(Path dir, String prefix, String configKey) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new IllegalStateException("another running process holds " + dir
                        + ": give each process its own directory (two processes must never share a name)");
            }
            return new InstanceIdFile(readOrCreate(dir, prefix, configKey), channel, lock);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        } catch (IOException e) {
            close(channel);
            throw cannotKeep(dir, configKey, e);
        }
    }

    /**
     * The name kept in {@code dir} ({@value #ID_FILE}), created on the first start, without a lock: for a
     * process whose directory is locked by other means (Kafka Streams locks its state directory).
     *
     * @param configKey the key that names the process instead (named in errors)
     * @throws IllegalStateException when the name file is not a name
     * @throws UncheckedIOException  when the directory cannot be created or written
     */
    public static String readOrCreate(Path dir, String prefix, String configKey) {
        Path file = dir.resolve(ID_FILE);
        try {
            if (!Files.exists(file)) {
                create(dir, file, prefix);
            }
            String id;
            try {
                // Bounded like every file lastseen reads: a name is at most MAX_LENGTH characters.
                id = BoundedFile.readUtf8(file, 1024).strip();
            } catch (BoundedFile.TooLargeException e) {
                throw notAName(file, configKey);
            }
            if (!VALID.matcher(id).matches()) {
                throw notAName(file, configKey);
            }
            return id;
        } catch (IOException e) {
            throw cannotKeep(dir, configKey, e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very process
        }
    }

    /** Written whole or not at all: a synced temporary file, linked (never replacing a name already there). */
    private static void create(Path dir, Path file, String prefix) throws IOException {
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ID_FILE, ".tmp");
        try {
            Files.writeString(temp, prefix + "-" + UUID.randomUUID() + "\n", StandardCharsets.UTF_8);
            try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                c.force(true); // on disk before it is visible under its name
            }
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException raced) {
                // another start got there first: its name is the one
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static IllegalStateException notAName(Path file, String configKey) {
        return new IllegalStateException(file + " does not hold an instance name (1.." + MAX_LENGTH
                + " characters of [a-zA-Z0-9._-]): delete it and a new name is made, or set " + configKey);
    }

    private static UncheckedIOException cannotKeep(Path dir, String configKey, IOException e) {
        return new UncheckedIOException(
                "cannot keep the instance name in " + dir + " (it must be writable): " + e.getMessage() + "; or set "
                        + configKey,
                e);
    }

    /** The kept name. */
    public String id() {
        return id;
    }

    /** Releases the directory (the name stays in it for the next start). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the lock goes with the channel anyway
        }
        close(lockChannel);
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing held any more that a retry would free
            }
        }
    }
}
