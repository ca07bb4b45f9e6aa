package dev.lastseen.app.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks for secrets in every regular file under a directory — lastseen's state directory:
 * RocksDB's SST files, logs and manifests, checkpoints — reading each in chunks that overlap by
 * the longest secret, so a secret across a chunk boundary is found. lastseen's RocksDB stores
 * are not compressed (Kafka Streams' default), so a stored secret would be in the bytes as is.
 */
public final class FileScan {
    private static final int CHUNK = 1 << 20;

    private FileScan() {}

    /** What one scan read and found (at most one finding per file: the first). */
    public record Result(long files, long bytes, List<Finding> findings) {}

    public static Result scan(Path root, SecretIndex secrets, int longestSecretBytes) {
        List<Finding> findings = new ArrayList<>();
        long files = 0;
        long bytes = 0;
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        for (Path file : all) {
            try {
                long[] read = {0};
                Finding f = scanFile(file, secrets, Math.max(longestSecretBytes, SecretIndex.MIN_BYTES), read);
                files++;
                bytes += read[0];
                if (f != null) {
                    findings.add(f);
                }
            } catch (NoSuchFileException gone) {
                // deleted while we walked (a running instance compacting): nothing left to hold a secret
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return new Result(files, bytes, findings);
    }

    private static Finding scanFile(Path file, SecretIndex secrets, int overlap, long[] read) throws IOException {
        byte[] buffer = new byte[CHUNK + overlap];
        int kept = 0;
        long bufferStart = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int n = in.readNBytes(buffer, kept, buffer.length - kept);
                read[0] += n;
                int filled = kept + n;
                SecretIndex.Match m = secrets.find(filled == buffer.length ? buffer : Arrays.copyOf(buffer, filled));
                if (m != null) {
                    return Finding.inFile(file.toString(), bufferStart + m.offset(), m.label());
                }
                if (filled < buffer.length) {
                    return null;
                }
                kept = overlap - 1;
                System.arraycopy(buffer, filled - kept, buffer, 0, kept);
                bufferStart += filled - kept;
            }
        }
    }
}
