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

/**
 * A file that is reloaded live whenever it changes, with last-known-good rules, for any content
 * a {@link Format} can parse: the machinery behind {@link ThresholdsReloader} (its documentation
 * states the rules), shared by every live file so each follows the same ones (the spike thresholds,
 * the API key file).
 *
 * @param <T> what the file parses into
 */
public final class LiveFile<T> implements AutoCloseable {

    /**
     * How a live file's content is bounded, parsed and described.
     *
     * @param <T> what the content parses into
     */
    public interface Format<T> {
        /** Names the file in log lines, e.g. "thresholds" ("Applied thresholds file ..."). */
        String noun();

        /** The largest content accepted; a larger file is rejected unread. */
        long maxFileBytes();

        /** Validates and parses the complete content. */
        T parse(byte[] content) throws ThresholdsRejectedException;

        /** A one-line summary of a parsed value for the log (never a secret). */
        String describe(T value);
    }

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

    private final Logger log;
    private final Path file;
    private final Format<T> format;
    private final Duration pollInterval;
    private final RejectionListener listener;
    private final FileAccess files;
    private final LastKnownGood lastKnownGood; // null: nothing is saved
    private final InForce.Listener inForceListener;
    private final AtomicReference<T> current;
    private volatile InForce inForce = InForce.DEFAULTS;
    private final Object pollLock = new Object();

    // Guarded by pollLock.
    private Fingerprint lastSeen;
    private boolean missingLogged;
    private String appliedHash; // null while the defaults are in force
    private String savedHash; // content hash of the last-known-good copy on disk, null if none

    private ScheduledExecutorService scheduler;

    /**
     * @param log           where this file's lines are logged (the owner's logger)
     * @param file          the file (need not exist yet)
     * @param format        how its content is bounded and parsed
     * @param initial       in force until a file is applied
     * @param pollInterval  how often {@link #start()} polls; at least 100 ms
     * @param listener      told about every rejection
     * @param files         the file operations (replaceable in tests)
     * @param lastKnownGood where the last applied file is saved and read back at start-up; null keeps none
     * @param inForceListener told whenever what is in force changes
     */
    public LiveFile(
            Logger log,
            Path file,
            Format<T> format,
            T initial,
            Duration pollInterval,
            RejectionListener listener,
            FileAccess files,
            LastKnownGood lastKnownGood,
            InForce.Listener inForceListener) {
        this.log = Objects.requireNonNull(log, "log");
        this.file = Objects.requireNonNull(file, "file");
        this.format = Objects.requireNonNull(format, "format");
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("pollInterval must be >= 100ms, was " + pollInterval);
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        this.files = Objects.requireNonNull(files, "files");
        this.lastKnownGood = lastKnownGood;
        this.inForceListener = Objects.requireNonNull(inForceListener, "inForceListener");
    }

    /** Which version is in force now: its source and content hash. */
    public InForce inForce() {
        return inForce;
    }

    /** The value in force now. Lock-free; safe from any thread. */
    public T current() {
        return current.get();
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
            Thread t = new Thread(r, "lastseen-" + format.noun().replace(' ', '-') + "-reloader");
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
                log.debug("Unexpected failure while reloading {} file {}", format.noun(), file, e);
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
                        "Reloader of the {} file {} failed unexpectedly ({}); the last good {} remain "
                                + "in force and polling continues",
                        format.noun(),
                        file,
                        t.toString(),
                        format.noun());
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

        if (before.size() > format.maxFileBytes()) {
            // Not read at all: the size alone is enough to refuse it.
            return rejectOnce(
                    new Fingerprint(before, null), ThresholdsRejection.FILE_TOO_LARGE, tooLarge(before.size()));
        }

        byte[] content;
        try {
            // One read of at most maxFileBytes + 1: a file that grew past the
            // bound since stat() shows up as a length mismatch below.
            content = files.readAtMost(file, (int) format.maxFileBytes() + 1);
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

        T parsed;
        try {
            parsed = format.parse(content);
        } catch (ThresholdsRejectedException e) {
            reject(e.reason(), e.getMessage());
            return Result.REJECTED;
        }
        save(content, hash); // first: once the new thresholds are visible, the copy on disk matches them
        current.set(parsed);
        appliedHash = hash;
        setInForce(new InForce(InForce.Source.FILE, shortHash(hash)));
        log.info("Applied {} file {}: {}, sha256={}", format.noun(), file, format.describe(parsed), shortHash(hash));
        return Result.APPLIED;
    }

    private Result missing() {
        lastSeen = null; // a file that reappears is always read again
        if (!missingLogged) {
            missingLogged = true;
            if (appliedHash == null) {
                log.info(
                        "No {} file at {}; using the defaults ({}) until one appears",
                        format.noun(),
                        file,
                        format.describe(current()));
            } else {
                log.warn(
                        "The {} file {} has disappeared; the last good {} ({}) remain in force",
                        format.noun(),
                        file,
                        format.noun(),
                        inForce);
            }
        }
        return Result.FILE_MISSING;
    }

    /** At start-up, when the file could not be applied: the saved copy, if there is a valid one. */
    private void useLastKnownGood(Result first) {
        Optional<byte[]> saved;
        try {
            saved = lastKnownGood.load((int) format.maxFileBytes());
        } catch (IOException e) {
            log.warn("Cannot read the last known good {} at {}: {}", format.noun(), lastKnownGood, describe(e));
            return;
        }
        if (saved.isEmpty()) {
            return;
        }
        byte[] content = saved.get();
        String hash = sha256(content);
        T parsed;
        try {
            if (content.length > format.maxFileBytes()) {
                throw new ThresholdsRejectedException(ThresholdsRejection.FILE_TOO_LARGE, tooLarge(content.length));
            }
            parsed = format.parse(content);
        } catch (ThresholdsRejectedException e) {
            log.warn(
                    "The last known good {} at {} are not valid ({}); the {} stay in force",
                    format.noun(),
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
                "The {} file {} {} at start-up: using the last known good {} saved at {} instead of the"
                        + " defaults ({}, sha256={})",
                format.noun(),
                file,
                first == Result.FILE_MISSING ? "is missing" : "was rejected",
                format.noun(),
                lastKnownGood,
                format.describe(parsed),
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
            log.info(
                    "Saved {} sha256={} as the last known good copy at {}",
                    format.noun(),
                    shortHash(hash),
                    lastKnownGood);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Cannot save the applied {} as the last known good copy at {}: {}; a restart while the file"
                            + " is bad would fall back to an older copy or the defaults",
                    format.noun(),
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
                log.warn("Listener of the {} file failed: {}", format.noun(), e.toString());
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
                "Rejected {} file {}: {} [{}]; the last good {} ({}) remain in force",
                format.noun(),
                file,
                LogSafe.oneLine(message, 400),
                reason.code(),
                format.noun(),
                inForce);
        try {
            listener.rejected(reason, message);
        } catch (RuntimeException e) {
            log.warn("Rejection listener failed for the {} file {}: {}", format.noun(), file, e.toString());
        }
    }

    private String tooLarge(long size) {
        return "file is " + size + " bytes, over the maxFileBytes bound of " + format.maxFileBytes();
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
