package dev.lastseen.app.thresholds;

import java.nio.file.Path;
import java.time.Duration;
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
 * <p>The machinery is {@link LiveFile}, shared with every other live file.
 *
 * <p>The poll loop never throws: everything is caught, counted as
 * {@link ThresholdsRejection#INTERNAL_ERROR} and logged, and polling continues.
 * {@link #reloadNow()} runs one poll synchronously (for startup and tests).
 */
public final class ThresholdsReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ThresholdsReloader.class);

    private final LiveFile<Thresholds> file;

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
        this.file = new LiveFile<>(
                log, file, format(parser), defaults, pollInterval, listener, files, lastKnownGood, inForceListener);
    }

    private static LiveFile.Format<Thresholds> format(ThresholdsParser parser) {
        return new LiveFile.Format<>() {
            @Override
            public String noun() {
                return "thresholds";
            }

            @Override
            public long maxFileBytes() {
                return parser.limits().maxFileBytes();
            }

            @Override
            public Thresholds parse(byte[] content) throws ThresholdsRejectedException {
                return parser.parse(content);
            }

            @Override
            public String describe(Thresholds t) {
                return t.size() + " account override(s), default minimum="
                        + t.defaultThreshold().minimum() + " factor="
                        + t.defaultThreshold().factor();
            }
        };
    }

    /** Which thresholds are in force now: their source and content hash. */
    public InForce inForce() {
        return file.inForce();
    }

    /** The thresholds in force now. Lock-free; safe from any thread. */
    public Thresholds current() {
        return file.current();
    }

    /** Shorthand for {@code current().forAccount(accountId)}. */
    public SpikeThreshold forAccount(String accountId) {
        return file.current().forAccount(accountId);
    }

    public Path file() {
        return file.file();
    }

    /**
     * Loads the file once, synchronously - or, when it is bad or missing, the last-known-good copy -
     * then polls every {@code pollInterval} on a daemon thread.
     *
     * @throws IllegalStateException if already started
     */
    public void start() {
        file.start();
    }

    @Override
    public void close() {
        file.close();
    }

    /** One poll, now, on the calling thread (see {@link LiveFile#reloadNow()}). */
    public LiveFile.Result reloadNow() {
        return file.reloadNow();
    }
}
