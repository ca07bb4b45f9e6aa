package dev.lastseen.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
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
    static final String ID_FILE = "instance.id";
    static final String LOCK_FILE = "instance.lock";
    /** What a kept name may look like: a group.instance.id is at most 249 characters. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

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
     * on the first start.
     *
     * @throws IllegalStateException when another running process holds the directory, or its name file is not a name
     * @throws UncheckedIOException  when the directory cannot be created, locked or written
     */
    public static InstanceIdFile claim(Path dir, String prefix) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new IllegalStateException("another running process holds " + dir
                        + ": give each process its own directory (two processes must never share a name)");
            }
            return new InstanceIdFile(readOrCreate(dir, prefix), channel, lock);
        } catch (IOException e) {
            close(channel);
            throw new UncheckedIOException("cannot keep the instance name in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very process
        }
    }

    private static String readOrCreate(Path dir, String prefix) throws IOException {
        Path file = dir.resolve(ID_FILE);
        if (Files.exists(file)) {
            if (Files.size(file) > 1024) {
                throw new IllegalStateException(file + " is not an instance name (over 1024 bytes): delete it");
            }
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!VALID.matcher(id).matches()) {
                throw new IllegalStateException(file + " does not hold an instance name (letters, digits, . _ -,"
                        + " at most 200): delete it and a new name is made");
            }
            return id;
        }
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path temp = dir.resolve(ID_FILE + ".tmp");
        Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
        try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            c.force(true); // on disk before it is visible under its name
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return id;
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
