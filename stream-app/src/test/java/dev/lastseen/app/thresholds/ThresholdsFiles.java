package dev.lastseen.app.thresholds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test helpers: thresholds JSON builders, atomic file replacement, a recording listener. */
final class ThresholdsFiles {

    private ThresholdsFiles() {}

    /** The default limits with another file size bound. */
    static ThresholdsLimits maxFileBytes(long bytes) {
        ThresholdsLimits d = ThresholdsLimits.defaults();
        return new ThresholdsLimits(
                bytes,
                d.maxEntries(),
                d.minMinimum(),
                d.maxMinimum(),
                d.minFactor(),
                d.maxFactor(),
                d.maxAccountIdLength());
    }

    /** The default limits with another bound on account entries. */
    static ThresholdsLimits maxEntries(int entries) {
        ThresholdsLimits d = ThresholdsLimits.defaults();
        return new ThresholdsLimits(
                d.maxFileBytes(),
                entries,
                d.minMinimum(),
                d.maxMinimum(),
                d.minFactor(),
                d.maxFactor(),
                d.maxAccountIdLength());
    }

    static final String VALID = "{\"version\":1,"
            + "\"default\":{\"minimum\":20,\"factor\":3.0},"
            + "\"accounts\":{"
            + "\"acct-1\":{\"minimum\":50,\"factor\":4.0},"
            + "\"acct-2\":{\"factor\":2,\"minimum\":5},"
            + "\"k\u00e4se-\ud83d\ude00\":{\"minimum\":1000000,\"factor\":1000.0}}}";

    /** A file whose accounts object has {@code n} entries acct-000000 ... */
    static String withAccounts(int n) {
        StringBuilder b = new StringBuilder(64 + n * 48);
        b.append("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{");
        appendEntries(b, n);
        return b.append("}}").toString();
    }

    static void appendEntries(StringBuilder b, int n) {
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(String.format("\"acct-%06d\":{\"minimum\":50,\"factor\":4.0}", i));
        }
    }

    /** A file with the default threshold and one account, acct-7, as given (raw JSON fragments). */
    static String account7(String minimumJson, String factorJson) {
        return "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0}," + "\"accounts\":{\"acct-7\":{\"minimum\":"
                + minimumJson + ",\"factor\":" + factorJson + "}}}";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces the file the way a well-behaved generator does: write a temp file, rename over. */
    static void replace(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".thresholds", ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    record Rejection(ThresholdsRejection reason, String message) {}

    static final class RecordingListener implements RejectionListener {
        final List<Rejection> rejections = new CopyOnWriteArrayList<>();

        @Override
        public void rejected(ThresholdsRejection reason, String message) {
            rejections.add(new Rejection(reason, message));
        }

        int count() {
            return rejections.size();
        }

        Rejection last() {
            return rejections.get(rejections.size() - 1);
        }
    }
}
