package dev.lastseen.app.thresholds;

import dev.lastseen.common.BoundedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * The two file operations the reloader needs. A seam so tests can simulate a
 * file replaced mid-read or count how much is read; production uses
 * {@link #DEFAULT}.
 */
public interface FileAccess {

    /** Size, modification time and file key (inode, where the OS has one). */
    record FileStat(long size, FileTime lastModified, Object fileKey) {}

    /** @throws java.nio.file.NoSuchFileException if the file does not exist */
    FileStat stat(Path file) throws IOException;

    /**
     * Reads the file from the start, returning at most {@code maxBytes} bytes
     * (fewer if it is shorter). Never reads more than that from the file.
     */
    byte[] readAtMost(Path file, int maxBytes) throws IOException;

    FileAccess DEFAULT = new FileAccess() {
        @Override
        public FileStat stat(Path file) throws IOException {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStat(attrs.size(), attrs.lastModifiedTime(), attrs.fileKey());
        }

        @Override
        public byte[] readAtMost(Path file, int maxBytes) throws IOException {
            return BoundedFile.readAtMost(file, maxBytes);
        }
    };
}
