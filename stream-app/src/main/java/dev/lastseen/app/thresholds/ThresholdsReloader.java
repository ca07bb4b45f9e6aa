package dev.lastseen.app.thresholds;

import dev.lastseen.common.LogSafe;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current {@link Thresholds} from an auto-generated file and reloads
 * it when it changes, without ever letting a bad file take the process down
 * (an auto-generated file that grew past its bounds once took a service down).
 *
 * <ul>
 *   <li>Missing file at start: the configured defaults, with a log line.</li>
 *   <li>Changed file: parsed with {@link ThresholdsParser}; on success the
 *       thresholds are swapped atomically, on any rejection the last good
 *       thresholds stay in force, the {@link RejectionListener} is told and one
 *       WARN line names the file, the reason and that the last good thresholds
 *       remain. A rejected file is counted once, not on every poll.</li>
 *   <li>File deleted later: the last good thresholds stay; one WARN line.</li>
 *   <li>Half-written file: the content is read once, bounded, and what was
 *       read is what is hashed and parsed; size, mtime and file key are checked
 *       again after reading, and if they moved the poll is rejected as
 *       {@link ThresholdsRejection#CHANGED_WHILE_READING} and retried on the next
 *       poll. Truncated JSON is rejected by the parser. Writers should still
 *       write a temporary file and rename it over this one.</li>
 * </ul>
 *
 * <p>Change detection polls (size, lastModified, SHA-256 of the content) every
 * {@code pollInterval} on one daemon thread rather than using
 * {@link java.nio.file.WatchService}: WatchService misses or never delivers
 * events on network and overlay filesystems, on bind-mounted files and on
 * Kubernetes ConfigMap volumes (which update by swapping a symlinked
 * directory), and falls back to slow polling on some platforms anyway. Reading
 * a file of at most {@code maxFileBytes} every few seconds is cheap, and
 * comparing content hashes also catches rewrites within the filesystem's
 * mtime granularity.
 *
 * <p>Last known good: with a {@link LastKnownGood} copy, every applied file is also saved there
 * (atomically, next to the instance's state), and when the file is bad or missing at start-up the saved
 * copy is used instead of the defaults - a restart during a bad rollout of the file keeps the last good
 * per-account thresholds rather than dropping them. {@link #inForce()} says which version is in force
 * (source and content hash); an {@link InForce.Listener} is told whenever it changes.
 *
 * <p>The poll loop never throws: everything is caught, counted as
 * {@link ThresholdsRejection#INTERNAL_ERROR} and logged, and polling continues.
 * {@link #reloadNow()} runs one poll synchronously (for startup and tests).
 */
public final class ThresholdsReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ThresholdsReloader.class);

    /** Outcome of one poll. */
    public enum Result {
        /** A new file content was parsed and is now in force. */
        APPLIED,
        /** Same content as the last poll (accepted or rejected before); nothing done. */
        UNCHANGED,
        /** Rejected; the last good thresholds remain in force. */
        REJECTED,
        /** No file; the last good thresholds (initially the defaults) remain in force. */
        FILE_MISSING
    }

    /** What the last poll looked at: hash is null when the content was not read. */
    private record Fingerprint(FileAccess.FileStat stat, String sha256) {}

    private final Path file;
    private final ThresholdsParser parser;
    private final Duration pollInterval;
    private final RejectionListener listener;
    private final FileAccess files;
    private final LastKnownGood lastKnownGood; // null: nothing is saved
    private final InForce.Listener inForceListener;
    private final AtomicReference<Thresholds> current;
    private volatile InForce inForce = InForce.DEFAULTS;
    private final Object pollLock = new Object();

    // Guarded by pollLock.
    private Fingerprint lastSeen;
    private boolean missingLogged;
    private String appliedHash; // null while the defaults are in force
    private String savedHash; // content hash of the last-known-good copy on disk, null if none

    private ScheduledExecutorService scheduler;

    /**
     * @param file         the thresholds file (need not exist yet)
     * @param parser       parser carrying the {@link ThresholdsLimits}
     * @param defaults     in force until a file is applied (e.g. {@link Thresholds#builtInDefaults()})
     * @param pollInterval how often {@link #start()} polls; at least 100 ms
     * @param listener     told about every rejection (wire to {@code lastseen_config_rejected_total})
     */
    public ThresholdsReloader(
            Path file,
            ThresholdsParser parser,
            Thresholds defaults,
            Duration pollInterval,
            RejectionListener listener) {
        this(file, parser, defaults, pollInterval, listener, FileAccess.DEFAULT);
    }

    /** As above, with the file operations replaceable (tests). */
    public ThresholdsReloader(
            Path file,
            ThresholdsParser parser,
            Thresholds defaults,
            Duration pollInterval,
            RejectionListener listener,
            FileAccess files) {
        this(file, parser, defaults, pollInterval, listener, files, null, InForce.Listener.NONE);
    }

    /**
     * As above, keeping a last-known-good copy and telling {@code inForceListener} what is in force.
     *
     * @param lastKnownGood where the last applied file is saved and read back at start-up; null keeps none
     */
    public ThresholdsReloader(
            Path file,
            ThresholdsParser parser,
            Thresholds defaults,
            Duration pollInterval,
            RejectionListener listener,
            LastKnownGood lastKnownGood,
            InForce.Listener inForceListener) {
        this(file, parser, defaults, pollInterval, listener, FileAccess.DEFAULT, lastKnownGood, inForceListener);
    }

    private ThresholdsReloader(
            Path file,
            ThresholdsParser parser,
            Thresholds defaults,
            Duration pollInterval,
            RejectionListener listener,
            FileAccess files,
            LastKnownGood lastKnownGood,
            InForce.Listener inForceListener) {
        this.file = Objects.requireNonNull(file, "file");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.current = new AtomicReference<>(Objects.requireNonNull(defaults, "defaults"));
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("pollInterval must be >= 100ms, was " + pollInterval);
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        this.files = Objects.requireNonNull(files, "files");
        this.lastKnownGood = lastKnownGood;
        this.inForceListener = Objects.requireNonNull(inForceListener, "inForceListener");
    }

    /** Which thresholds are in force now: their source and content hash. */
    public InForce inForce() {
        return inForce;
    }

    /** The thresholds in force now. Lock-free; safe from any thread. */
    public Thresholds current() {
        return current.get();
    }

    /** Shorthand for {@code current().forAccount(accountId)}. */
    public SpikeThreshold forAccount(String accountId) {
        return current.get().forAccount(accountId);
    }

    public Path file() {
        return file;
    }

    /**
     * Loads the file once, synchronously - or, when it is bad or missing, the last-known-good copy -
     * then polls every {@code pollInterval} on a daemon thread.
     *
     * @throws IllegalStateException if already started
     */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        Result first = reloadNow();
        synchronized (pollLock) {
            if (appliedHash == null && lastKnownGood != null) {
                useLastKnownGood(first);
            }
        }
        inForceListener.inForce(inForce);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lastseen-thresholds-reloader");
            t.setDaemon(true);
            return t;
        });
        long millis = pollInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops polling; a poll in progress (which may be saving the last-known-good copy) may finish first. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                scheduler.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One poll, now, on the calling thread: what the background loop does
     * every {@code pollInterval}. Never throws an exception (any is counted as
     * {@link ThresholdsRejection#INTERNAL_ERROR}); polls are serialized.
     */
    public Result reloadNow() {
        synchronized (pollLock) {
            try {
                return poll();
            } catch (Exception e) {
                reject(
                        ThresholdsRejection.INTERNAL_ERROR,
                        "unexpected " + e.getClass().getName() + ": "
                                + LogSafe.oneLine(String.valueOf(e.getMessage()), 200));
                log.debug("Unexpected failure while reloading thresholds file {}", file, e);
                return Result.REJECTED;
            }
        }
    }

    /**
     * The scheduled task. A throwable escaping a scheduled task silently
     * cancels all its future runs, so nothing may escape: exceptions are
     * handled in {@link #reloadNow()}, errors here.
     */
    private void pollSafely() {
        try {
            reloadNow();
        } catch (Throwable t) { // NOPMD: the poll loop must survive anything
            try {
                log.error(
                        "Thresholds reloader for {} failed unexpectedly ({}); the last good thresholds remain "
                                + "in force and polling continues",
                        file,
                        t.toString());
                listener.rejected(ThresholdsRejection.INTERNAL_ERROR, t.toString());
            } catch (Throwable ignored) { // NOPMD
                // nothing more can be done; keep the schedule alive
            }
        }
    }

    private Result poll() {
        FileAccess.FileStat before;
        try {
            before = files.stat(file);
        } catch (NoSuchFileException e) {
            return missing();
        } catch (IOException e) {
            return rejectOnce(
                    new Fingerprint(null, null), ThresholdsRejection.UNREADABLE, "cannot stat file: " + describe(e));
        }
        missingLogged = false;

        try {
            parser.checkSize(before.size());
        } catch (ThresholdsRejectedException e) {
            // Not read at all: the size alone is enough to refuse it.
            return rejectOnce(new Fingerprint(before, null), e.reason(), e.getMessage());
        }

        byte[] content;
        try {
            // One read of at most maxFileBytes + 1: a file that grew past the
            // bound since stat() shows up as a length mismatch below.
            content = files.readAtMost(file, (int) parser.limits().maxFileBytes() + 1);
        } catch (NoSuchFileException e) {
            return changedWhileReading("file disappeared while being read");
        } catch (IOException e) {
            return rejectOnce(
                    new Fingerprint(before, null), ThresholdsRejection.UNREADABLE, "cannot read file: " + describe(e));
        }

        FileAccess.FileStat after;
        try {
            after = files.stat(file);
        } catch (IOException e) {
            return changedWhileReading("file disappeared while being read");
        }
        if (!before.equals(after) || content.length != before.size()) {
            // Not remembered as seen: the next poll reads it again.
            return changedWhileReading("changed while reading (size " + before.size() + " -> " + after.size()
                    + ", read " + content.length + " bytes)");
        }

        String hash = sha256(content);
        Fingerprint seen = new Fingerprint(before, hash);
        if (lastSeen != null && hash.equals(lastSeen.sha256())) {
            lastSeen = seen;
            return Result.UNCHANGED;
        }
        lastSeen = seen;

        Thresholds parsed;
        try {
            parsed = parser.parse(content);
        } catch (ThresholdsRejectedException e) {
            reject(e.reason(), e.getMessage());
            return Result.REJECTED;
        }
        save(content, hash); // first: once the new thresholds are visible, the copy on disk matches them
        current.set(parsed);
        appliedHash = hash;
        setInForce(new InForce(InForce.Source.FILE, shortHash(hash)));
        log.info(
                "Applied thresholds file {}: {} account override(s), default minimum={} factor={}, sha256={}",
                file,
                parsed.size(),
                parsed.defaultThreshold().minimum(),
                parsed.defaultThreshold().factor(),
                shortHash(hash));
        return Result.APPLIED;
    }

    private Result missing() {
        lastSeen = null; // a file that reappears is always read again
        if (!missingLogged) {
            missingLogged = true;
            if (appliedHash == null) {
                log.info(
                        "No thresholds file at {}; using the defaults ({} account override(s), default minimum={} "
                                + "factor={}) until one appears",
                        file,
                        current().size(),
                        current().defaultThreshold().minimum(),
                        current().defaultThreshold().factor());
            } else {
                log.warn(
                        "Thresholds file {} has disappeared; the last good thresholds ({}) remain in force",
                        file,
                        inForce);
            }
        }
        return Result.FILE_MISSING;
    }

    /** At start-up, when the file could not be applied: the saved copy, if there is a valid one. */
    private void useLastKnownGood(Result first) {
        Optional<byte[]> saved;
        try {
            saved = lastKnownGood.load((int) parser.limits().maxFileBytes());
        } catch (IOException e) {
            log.warn("Cannot read the last known good thresholds at {}: {}", lastKnownGood, describe(e));
            return;
        }
        if (saved.isEmpty()) {
            return;
        }
        byte[] content = saved.get();
        String hash = sha256(content);
        Thresholds parsed;
        try {
            parser.checkSize(content.length);
            parsed = parser.parse(content);
        } catch (ThresholdsRejectedException e) {
            log.warn(
                    "The last known good thresholds at {} are not valid ({}); the {} stay in force",
                    lastKnownGood,
                    LogSafe.oneLine(e.getMessage(), 200),
                    inForce);
            return;
        }
        savedHash = hash;
        current.set(parsed);
        appliedHash = hash;
        setInForce(new InForce(InForce.Source.LAST_KNOWN_GOOD, shortHash(hash)));
        log.warn(
                "Thresholds file {} {} at start-up: using the last known good thresholds saved at {} instead of the"
                        + " defaults ({} account override(s), default minimum={} factor={}, sha256={})",
                file,
                first == Result.FILE_MISSING ? "is missing" : "was rejected",
                lastKnownGood,
                parsed.size(),
                parsed.defaultThreshold().minimum(),
                parsed.defaultThreshold().factor(),
                shortHash(hash));
    }

    /** Saves an applied file as the last known good copy (once per content); a failure is logged, never fatal. */
    private void save(byte[] content, String hash) {
        if (lastKnownGood == null || hash.equals(savedHash)) {
            return;
        }
        try {
            lastKnownGood.save(content);
            savedHash = hash;
            log.info("Saved thresholds sha256={} as the last known good copy at {}", shortHash(hash), lastKnownGood);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Cannot save the applied thresholds as the last known good copy at {}: {}; a restart while the file"
                            + " is bad would fall back to an older copy or the defaults",
                    lastKnownGood,
                    e.toString());
        }
    }

    private void setInForce(InForce next) {
        boolean changed = !next.equals(inForce);
        inForce = next;
        if (changed && scheduler != null) { // before start() completes, start() tells the listener once
            try {
                inForceListener.inForce(next);
            } catch (RuntimeException e) {
                log.warn("Thresholds listener failed: {}", e.toString());
            }
        }
    }

    private Result changedWhileReading(String message) {
        reject(ThresholdsRejection.CHANGED_WHILE_READING, message + "; will retry on the next poll");
        return Result.REJECTED;
    }

    /** Rejects unless the same un-readable state was already rejected (no repeat per poll). */
    private Result rejectOnce(Fingerprint fingerprint, ThresholdsRejection reason, String message) {
        if (fingerprint.equals(lastSeen)) {
            return Result.UNCHANGED;
        }
        lastSeen = fingerprint;
        reject(reason, message);
        return Result.REJECTED;
    }

    private void reject(ThresholdsRejection reason, String message) {
        log.warn(
                "Rejected thresholds file {}: {} [{}]; the last good thresholds ({}) remain in force",
                file,
                LogSafe.oneLine(message, 400),
                reason.code(),
                inForce);
        try {
            listener.rejected(reason, message);
        } catch (RuntimeException e) {
            log.warn("Rejection listener failed for thresholds file {}: {}", file, e.toString());
        }
    }

    private static String describe(IOException e) {
        return LogSafe.oneLine(e.getClass().getSimpleName() + ": " + e.getMessage(), 200);
    }

    private static String shortHash(String hash) {
        return hash.substring(0, 12);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
