package dev.lastseen.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Every file lastseen reads (configuration, key, password, keystore, thresholds files) is read through here:
 * never more than a bound, whatever the file's size says (a size check before an unbounded read can be
 * defeated by a file that grows in between, or by a FIFO or a device that has no size). The one such reader.
 */
public final class BoundedFile {
    /** The file holds more than the bound allows. */
    public static final class TooLargeException extends IOException {
        TooLargeException(Path file, int maxBytes) {
            super(file + " is over the bound of " + maxBytes + " bytes");
        }
    }

    private BoundedFile() {}

    /** At most {@code maxBytes} bytes from the start of the file (fewer if it is shorter). */
    public static byte[] readAtMost(Path file, int maxBytes) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, got " + maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[Math.min(maxBytes, 64 * 1024)];
            int length = 0;
            while (length < maxBytes) {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min((long) maxBytes, 2L * buffer.length));
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
            return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        }
    }

    /** The whole file, which must be at most {@code maxBytes} long; {@link TooLargeException} otherwise. */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        byte[] content = readAtMost(file, maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
        if (content.length > maxBytes) {
            throw new TooLargeException(file, maxBytes);
        }
        return content;
    }
}
