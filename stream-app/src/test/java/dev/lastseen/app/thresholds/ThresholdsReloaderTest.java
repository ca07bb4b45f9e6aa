package dev.lastseen.app.thresholds;

import static dev.lastseen.app.thresholds.ThresholdsFiles.VALID;
import static dev.lastseen.app.thresholds.ThresholdsFiles.account7;
import static dev.lastseen.app.thresholds.ThresholdsFiles.replace;
import static dev.lastseen.app.thresholds.ThresholdsFiles.withAccounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lastseen.app.thresholds.LiveFile.Result;
import dev.lastseen.app.thresholds.ThresholdsFiles.RecordingListener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ThresholdsReloaderTest {

    private static final SpikeThreshold ACCT1_FROM_VALID = new SpikeThreshold(50, 4.0);
    private static final Thresholds DEFAULTS = Thresholds.of(new SpikeThreshold(7, 1.5));

    @TempDir
    Path dir;

    private Path file;
    private final RecordingListener listener = new RecordingListener();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger reloaderLogger = (Logger) LoggerFactory.getLogger(ThresholdsReloader.class);
    private ThresholdsReloader reloader;

    @BeforeEach
    void setUp() {
        file = dir.resolve("thresholds.json");
        logs.start();
        reloaderLogger.addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        reloaderLogger.detachAppender(logs);
        if (reloader != null) {
            reloader.close();
        }
    }

    private ThresholdsReloader reloader(ThresholdsLimits limits, FileAccess files) {
        reloader = new ThresholdsReloader(
                file, new ThresholdsParser(limits), DEFAULTS, Duration.ofSeconds(10), listener, files);
        return reloader;
    }

    private ThresholdsReloader reloader() {
        return reloader(ThresholdsLimits.defaults(), FileAccess.DEFAULT);
    }

    /** Applies VALID so there is a "last good" file that is not the defaults. */
    private Thresholds applyValid(ThresholdsReloader r) throws IOException {
        replace(file, VALID);
        assertThat(r.reloadNow()).isEqualTo(Result.APPLIED);
        assertThat(r.forAccount("acct-1")).isEqualTo(ACCT1_FROM_VALID);
        return r.current();
    }

    private List<ILoggingEvent> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    private void assertOneRejectionLogLine(String... fragments) {
        List<ILoggingEvent> warnings = warnings();
        assertThat(warnings).hasSize(1);
        String line = warnings.get(0).getFormattedMessage();
        assertThat(line)
                .doesNotContain("\n")
                .contains(file.toString())
                .contains("last good thresholds")
                .contains("remain in force")
                .contains(fragments);
        assertThat(warnings.get(0).getThrowableProxy()).as("no stack trace").isNull();
    }

    // ------------------------------------------------------------------ basics

    @Test
    void validFileIsApplied() throws IOException {
        ThresholdsReloader r = reloader();
        replace(file, VALID);

        assertThat(r.reloadNow()).isEqualTo(Result.APPLIED);

        assertThat(r.forAccount("acct-1")).isEqualTo(ACCT1_FROM_VALID);
        assertThat(r.forAccount("someone-else")).isEqualTo(new SpikeThreshold(20, 3.0));
        assertThat(listener.count()).isZero();
        assertThat(logs.list)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("Applied thresholds file"));
    }

    @Test
    void missingFileAtStartUsesTheConfiguredDefaultsAndSaysSo() {
        ThresholdsReloader r = reloader();

        assertThat(r.reloadNow()).isEqualTo(Result.FILE_MISSING);

        assertThat(r.current()).isEqualTo(DEFAULTS);
        assertThat(listener.count()).isZero();
        assertThat(logs.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getFormattedMessage())
                    .contains("No thresholds file")
                    .contains(file.toString())
                    .contains("defaults");
        });
        assertThat(r.reloadNow()).as("logged once, not per poll").isEqualTo(Result.FILE_MISSING);
        assertThat(logs.list).hasSize(1);
    }

    @Test
    void fileDeletedLaterKeepsTheLastGoodThresholds() throws IOException {
        ThresholdsReloader r = reloader();
        Thresholds good = applyValid(r);

        Files.delete(file);
        assertThat(r.reloadNow()).isEqualTo(Result.FILE_MISSING);
        assertThat(r.reloadNow()).isEqualTo(Result.FILE_MISSING);

        assertThat(r.current()).isSameAs(good);
        assertThat(warnings())
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("disappeared")
                        .contains("last good thresholds")
                        .contains("remain in force"));
    }

    @Test
    void fileThatReappearsAfterDeletionIsAppliedAgain() throws IOException {
        ThresholdsReloader r = reloader();
        applyValid(r);
        Files.delete(file);
        r.reloadNow();

        replace(file, account7("60", "5.0"));

        assertThat(r.reloadNow()).isEqualTo(Result.APPLIED);
        assertThat(r.forAccount("acct-7")).isEqualTo(new SpikeThreshold(60, 5.0));
    }

    @Test
    void unchangedContentIsNotReparsedEvenIfTouched() throws IOException {
        ThresholdsReloader r = reloader();
        Thresholds good = applyValid(r);

        replace(file, VALID); // same bytes, new inode and mtime

        assertThat(r.reloadNow()).isEqualTo(Result.UNCHANGED);
        assertThat(r.current()).isSameAs(good);
    }

    // -------------------------------------------------------------- rejections

    @Test
    void fileWithTenTimesTheAllowedEntriesIsRejectedAndThePreviousThresholdsStay() throws IOException {
        // Room for the bytes, so that the entry bound is the one that trips.
        ThresholdsReloader r = reloader(ThresholdsFiles.maxFileBytes(16L << 20), FileAccess.DEFAULT);
        Thresholds good = applyValid(r);

        replace(file, withAccounts(10 * ThresholdsLimits.DEFAULT_MAX_ENTRIES));

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.current()).isSameAs(good);
        assertThat(listener.count()).isEqualTo(1);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.TOO_MANY_ENTRIES);
        assertThat(listener.last().message()).contains("maxEntries").contains("10000");
        assertOneRejectionLogLine("too_many_entries", "maxEntries");
    }

    @Test
    void withDefaultLimitsATenTimesFileIsAlreadyRefusedByItsSize() throws IOException {
        ThresholdsReloader r = reloader();
        Thresholds good = applyValid(r);

        replace(file, withAccounts(10 * ThresholdsLimits.DEFAULT_MAX_ENTRIES));

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.current()).isSameAs(good);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.FILE_TOO_LARGE);
        assertThat(listener.last().message()).contains("maxFileBytes");
    }

    @Test
    void rejectedFileIsCountedOnceNotOnEveryPoll() throws IOException {
        ThresholdsReloader r = reloader();
        applyValid(r);
        replace(file, account7("0", "4.0"));

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.reloadNow()).isEqualTo(Result.UNCHANGED);
        assertThat(r.reloadNow()).isEqualTo(Result.UNCHANGED);

        assertThat(listener.count()).isEqualTo(1);
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void valueOutOfBoundsIsRejectedNamingAccountAndFieldAndPreviousThresholdsStay() throws IOException {
        ThresholdsReloader r = reloader();
        Thresholds good = applyValid(r);

        replace(file, account7("50", "1000.5"));

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.current()).isSameAs(good);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.OUT_OF_BOUNDS);
        assertThat(listener.last().message())
                .contains("accounts[\"acct-7\"].factor")
                .contains("1000.5");
        assertOneRejectionLogLine("out_of_bounds", "accounts[\"acct-7\"].factor");
    }

    @Test
    void truncatedFileIsRejectedAndPreviousThresholdsStay() throws IOException {
        ThresholdsReloader r = reloader();
        Thresholds good = applyValid(r);
        String other = account7("60", "5.0");

        for (int length = 0; length < other.length(); length++) {
            Files.writeString(file, other.substring(0, length)); // in place, as a naive writer would
            Result result = r.reloadNow();
            assertThat(result).as("prefix of %d chars", length).isIn(Result.REJECTED, Result.UNCHANGED);
            assertThat(r.current()).isSameAs(good);
        }
        assertThat(listener.rejections)
                .allSatisfy(x ->
                        assertThat(x.reason()).isIn(ThresholdsRejection.TRUNCATED, ThresholdsRejection.MALFORMED_JSON));
        assertThat(listener.rejections)
                .filteredOn(x -> x.reason() == ThresholdsRejection.TRUNCATED)
                .as("almost all prefixes are reported as truncated")
                .hasSizeGreaterThan(other.length() * 9 / 10);

        Files.writeString(file, other);
        assertThat(r.reloadNow()).isEqualTo(Result.APPLIED);
        assertThat(r.forAccount("acct-7")).isEqualTo(new SpikeThreshold(60, 5.0));
    }

    @Test
    void oversizeFileIsRejectedWithoutReadingAnyOfIt() throws IOException {
        CountingFileAccess counting = new CountingFileAccess();
        ThresholdsReloader r = reloader(ThresholdsLimits.defaults(), counting);
        Thresholds good = applyValid(r);
        long bytesReadForValid = counting.bytesRead.get();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8L << 30); // sparse 8 GiB
        }

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.reloadNow()).as("not counted again").isEqualTo(Result.UNCHANGED);

        assertThat(counting.bytesRead.get()).isEqualTo(bytesReadForValid);
        assertThat(r.current()).isSameAs(good);
        assertThat(listener.count()).isEqualTo(1);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.FILE_TOO_LARGE);
        assertThat(listener.last().message()).contains(Long.toString(8L << 30)).contains("maxFileBytes");
        assertOneRejectionLogLine("file_too_large");
    }

    @Test
    void boundedReadNeverReadsMoreThanAskedFor() throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8L << 20);
        }
        assertThat(FileAccess.DEFAULT.readAtMost(file, 1025)).hasSize(1025);
        assertThat(FileAccess.DEFAULT.readAtMost(file, 0)).isEmpty();
    }

    // ----------------------------------------------------- changed while reading

    @Test
    void fileReplacedWhileBeingReadIsRejectedThenAcceptedOnTheNextReload() throws IOException {
        SwappingFileAccess swapping = new SwappingFileAccess();
        ThresholdsReloader r = reloader(ThresholdsLimits.defaults(), swapping);
        Thresholds good = applyValid(r);
        replace(file, account7("60", "5.0"));
        // The generator renames a third version into place just after our read.
        String third = account7("70", "6.25");
        swapping.afterNextRead = () -> replace(file, third);

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.current()).isSameAs(good);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.CHANGED_WHILE_READING);
        assertOneRejectionLogLine("changed_while_reading", "retry");

        assertThat(r.reloadNow()).isEqualTo(Result.APPLIED);
        assertThat(r.forAccount("acct-7")).isEqualTo(new SpikeThreshold(70, 6.25));
        assertThat(listener.count()).isEqualTo(1);
    }

    @Test
    void fileStillBeingWrittenInPlaceIsRejectedThenAcceptedWhenComplete() throws IOException {
        SwappingFileAccess swapping = new SwappingFileAccess();
        ThresholdsReloader r = reloader(ThresholdsLimits.defaults(), swapping);
        Thresholds good = applyValid(r);
        String next = account7("80", "2.5");
        String firstHalf = next.substring(0, next.length() / 2);
        // We read the first half; the writer appends the rest before we look again.
        Files.writeString(file, firstHalf);
        swapping.afterNextRead = () -> Files.writeString(file, next);

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.current()).isSameAs(good);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.CHANGED_WHILE_READING);

        assertThat(r.reloadNow()).isEqualTo(Result.APPLIED);
        assertThat(r.forAccount("acct-7")).isEqualTo(new SpikeThreshold(80, 2.5));
    }

    @Test
    void fileThatGrowsPastTheBoundDuringTheReadIsNotParsedFromAPartialRead() throws IOException {
        SwappingFileAccess swapping = new SwappingFileAccess();
        ThresholdsReloader r = reloader(ThresholdsFiles.maxFileBytes(4096), swapping);
        Thresholds good = applyValid(r);
        Files.writeString(file, account7("60", "5.0"));
        swapping.truncateReadTo = 10; // simulate a read that saw the file at another size

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.CHANGED_WHILE_READING);
        assertThat(r.current()).isSameAs(good);
    }

    // ------------------------------------------------------------ keeps running

    @Test
    void reloaderKeepsWorkingAfterARejection() throws IOException {
        ThresholdsReloader r = reloader();
        Thresholds good = applyValid(r);

        replace(file, "{\"version\":1,");
        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        replace(file, account7("0", "4.0"));
        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.current()).isSameAs(good);

        replace(file, account7("60", "5.0"));
        assertThat(r.reloadNow()).isEqualTo(Result.APPLIED);
        assertThat(r.forAccount("acct-7")).isEqualTo(new SpikeThreshold(60, 5.0));
        assertThat(listener.count()).isEqualTo(2);
    }

    @Test
    void unexpectedExceptionInAPollIsCountedAndTheNextPollStillWorks() throws IOException {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        FileAccess flaky = new FileAccess() {
            @Override
            public FileStat stat(Path f) throws IOException {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("boom");
                }
                return FileAccess.DEFAULT.stat(f);
            }

            @Override
            public byte[] readAtMost(Path f, int maxBytes) throws IOException {
                return FileAccess.DEFAULT.readAtMost(f, maxBytes);
            }
        };
        ThresholdsReloader r = reloader(ThresholdsLimits.defaults(), flaky);
        replace(file, VALID);

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.INTERNAL_ERROR);
        assertThat(listener.last().message()).contains("IllegalStateException").contains("boom");
        assertThat(r.current()).isEqualTo(DEFAULTS);

        assertThat(r.reloadNow()).isEqualTo(Result.APPLIED);
        assertThat(r.forAccount("acct-1")).isEqualTo(ACCT1_FROM_VALID);
    }

    @Test
    void unreadableFileIsRejectedOnceAndLastGoodStays() throws IOException {
        AtomicInteger readFailures = new AtomicInteger(0);
        FileAccess denied = new FileAccess() {
            @Override
            public FileStat stat(Path f) throws IOException {
                return FileAccess.DEFAULT.stat(f);
            }

            @Override
            public byte[] readAtMost(Path f, int maxBytes) throws IOException {
                if (readFailures.get() > 0) {
                    throw new java.nio.file.AccessDeniedException(f.toString());
                }
                return FileAccess.DEFAULT.readAtMost(f, maxBytes);
            }
        };
        ThresholdsReloader r = reloader(ThresholdsLimits.defaults(), denied);
        Thresholds good = applyValid(r);
        replace(file, account7("60", "5.0"));
        readFailures.set(1);

        assertThat(r.reloadNow()).isEqualTo(Result.REJECTED);
        assertThat(r.reloadNow()).isEqualTo(Result.UNCHANGED);

        assertThat(listener.count()).isEqualTo(1);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.UNREADABLE);
        assertThat(r.current()).isSameAs(good);
    }

    @Test
    void failingListenerDoesNotBreakTheReloader() throws IOException {
        reloader = new ThresholdsReloader(
                file, new ThresholdsParser(), DEFAULTS, Duration.ofSeconds(10), (reason, message) -> {
                    throw new IllegalStateException("metrics down");
                });
        replace(file, "{");
        assertThat(reloader.reloadNow()).isEqualTo(Result.REJECTED);

        replace(file, VALID);
        assertThat(reloader.reloadNow()).isEqualTo(Result.APPLIED);
    }

    @Test
    void backgroundPollingAppliesAChangeAfterARejection() throws IOException {
        replace(file, VALID);
        reloader = new ThresholdsReloader(file, new ThresholdsParser(), DEFAULTS, Duration.ofMillis(100), listener);
        reloader.start(); // loads synchronously first
        assertThat(reloader.forAccount("acct-1")).isEqualTo(ACCT1_FROM_VALID);

        String next = account7("60", "5.0");
        replace(file, next.substring(0, next.length() - 2)); // truncated
        await().atMost(Duration.ofSeconds(20)).until(() -> listener.count() == 1);
        assertThat(listener.last().reason()).isEqualTo(ThresholdsRejection.TRUNCATED);
        assertThat(reloader.forAccount("acct-1")).isEqualTo(ACCT1_FROM_VALID);

        replace(file, next);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> reloader.forAccount("acct-7").equals(new SpikeThreshold(60, 5.0)));
        assertThat(listener.count()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ last known good

    private ThresholdsReloader withLastKnownGood(LastKnownGood saved, List<InForce> told) {
        reloader = new ThresholdsReloader(
                file, new ThresholdsParser(), DEFAULTS, Duration.ofSeconds(10), listener, saved, told::add);
        return reloader;
    }

    @Test
    void anAppliedFileIsSavedAndAMissingFileAtStartUpFallsBackToIt() throws IOException {
        LastKnownGood saved = new LastKnownGood(dir.resolve("state/lastseen/last-good.json"));
        replace(file, VALID);
        List<InForce> told = new java.util.ArrayList<>();
        withLastKnownGood(saved, told).start();
        assertThat(saved.load(1 << 20)).hasValue(VALID.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(told).singleElement().extracting(InForce::source).isEqualTo(InForce.Source.FILE);
        reloader.close();

        Files.delete(file);
        told.clear();
        withLastKnownGood(saved, told).start();
        assertThat(reloader.forAccount("acct-1")).isEqualTo(ACCT1_FROM_VALID);
        assertThat(reloader.inForce().source()).isEqualTo(InForce.Source.LAST_KNOWN_GOOD);
        assertThat(told).singleElement().isEqualTo(reloader.inForce());
        assertThat(warnings())
                .anySatisfy(w -> assertThat(w.getFormattedMessage())
                        .contains("is missing at start-up")
                        .contains("last known good"));
    }

    @Test
    void aDamagedSavedCopyIsNeverTrustedTheDefaultsApplyInstead() throws IOException {
        LastKnownGood saved = new LastKnownGood(dir.resolve("last-good.json"));
        saved.save("{\"version\":1,\"default\":{\"minimum\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        replace(file, "not json");
        withLastKnownGood(saved, new java.util.ArrayList<>()).start();
        assertThat(reloader.current()).isSameAs(DEFAULTS);
        assertThat(reloader.inForce()).isEqualTo(InForce.DEFAULTS);
        assertThat(warnings())
                .anySatisfy(w -> assertThat(w.getFormattedMessage()).contains("are not valid"));
    }

    @Test
    void savingReplacesTheCopyAtomicallyLeavingNoTemporaryFiles() throws IOException {
        Path copy = dir.resolve("lkg").resolve("last-good.json");
        LastKnownGood saved = new LastKnownGood(copy);
        saved.save("first".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        saved.save("second".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(Files.readString(copy)).isEqualTo("second");
        try (var files = Files.list(copy.getParent())) {
            assertThat(files.toList()).containsExactly(copy);
        }
    }

    // ------------------------------------------------------------------ seams

    /** Counts bytes read through it. */
    static final class CountingFileAccess implements FileAccess {
        final AtomicLong bytesRead = new AtomicLong();

        @Override
        public FileStat stat(Path f) throws IOException {
            return FileAccess.DEFAULT.stat(f);
        }

        @Override
        public byte[] readAtMost(Path f, int maxBytes) throws IOException {
            byte[] b = FileAccess.DEFAULT.readAtMost(f, maxBytes);
            bytesRead.addAndGet(b.length);
            return b;
        }
    }

    /** Runs an action right after the next read, or cuts the next read short. */
    static final class SwappingFileAccess implements FileAccess {
        interface IoAction {
            void run() throws IOException;
        }

        volatile IoAction afterNextRead;
        volatile int truncateReadTo = -1;

        @Override
        public FileStat stat(Path f) throws IOException {
            return FileAccess.DEFAULT.stat(f);
        }

        @Override
        public byte[] readAtMost(Path f, int maxBytes) throws IOException {
            byte[] b = FileAccess.DEFAULT.readAtMost(f, maxBytes);
            IoAction action = afterNextRead;
            afterNextRead = null;
            if (action != null) {
                action.run();
            }
            if (truncateReadTo >= 0) {
                b = Arrays.copyOf(b, Math.min(b.length, truncateReadTo));
                truncateReadTo = -1;
            }
            return b;
        }
    }
}
