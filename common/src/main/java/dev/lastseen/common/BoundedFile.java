package dev.lastseen.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Every file lastseen reads (configuration, key, password, keystore, truststore, thresholds files) is read
 * through here: never more than a bound, whatever the file's size says (a size check before an unbounded read
 * can be defeated by a file that grows in between, or by a FIFO or a device that has no size). The one such
 * reader; {@code dev.lastseen.config.ConfigFiles} and {@code ConfigSources} turn its errors into messages that
 * name the configuration key.
 */
public final class BoundedFile {
    /** The file holds more than the bound allows. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        private final String reason;

        TooLargeException(Path file, String reason) {
            super(file + " " + reason);
            this.reason = reason;
        }

        /** Why, without the file's name: "is N bytes, over the bound of M bytes" (the size when it is known). */
        public String reason() {
            return reason;
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

    /**
     * The whole file, which must be at most {@code maxBytes} long; {@link TooLargeException} otherwise. A regular
     * file whose size is over the bound is refused by its size without being opened (the message names the size);
     * the read itself is bounded whatever the size said.
     */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        if (Files.isRegularFile(file)) {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new TooLargeException(file, "is " + size + " bytes, over the bound of " + maxBytes + " bytes");
            }
        }
        byte[] content = readAtMost(file, maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
        if (content.length > maxBytes) {
            throw new TooLargeException(file, "is over the bound of " + maxBytes + " bytes");
        }
        return content;
    }

    /**
     * The whole file as strict UTF-8 text, bounded as {@link #read}: malformed UTF-8 is an error, not text with
     * replacement characters.
     */
    public static String readUtf8(Path file, int maxBytes) throws IOException {
        byte[] content = read(file, maxBytes);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text", e);
        }
    }
}
