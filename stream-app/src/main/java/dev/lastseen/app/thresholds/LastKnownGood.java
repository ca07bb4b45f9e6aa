package dev.lastseen.app.thresholds;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The last thresholds file that passed validation, kept on disk next to the instance's state so that a
 * restart while the configured file is bad (or gone) starts from it rather than from the defaults.
 *
 * <p>Written atomically: the content goes to a temporary file in the same directory, is forced to
 * disk, and is then renamed over the old copy with an atomic move (and the directory entry forced
 * too). A crash at any point leaves either the old copy or the new one, never a mix; the copy is
 * parsed with the same rules as the file when it is used, so even a damaged copy is never trusted.
 */
public final class LastKnownGood {
    private final Path file;

    public LastKnownGood(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** Replaces the saved copy with {@code content}, atomically and durably; readable by the owner only (0600). */
    public void save(byte[] content) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path temp = posix
                ? Files.createTempFile(
                        dir,
                        file.getFileName().toString(),
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel out =
                    FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The saved copy (at most {@code maxBytes + 1} bytes read, so an oversized copy is seen as such), if any. */
    public Optional<byte[]> load(int maxBytes) throws IOException {
        try {
            return Optional.of(FileAccess.DEFAULT.readAtMost(file, maxBytes + 1));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Makes the rename itself durable; a no-op where directories cannot be opened (e.g. Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the rename is atomic either way, only its durability across a power loss is at stake
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
