package dev.lastseen.app.access;

import dev.lastseen.app.thresholds.FileAccess;
import dev.lastseen.app.thresholds.InForce;
import dev.lastseen.app.thresholds.LastKnownGood;
import dev.lastseen.app.thresholds.LiveFile;
import dev.lastseen.app.thresholds.RejectionListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys in force: the key file, reloaded live by a {@link LiveFile} with the thresholds'
 * rules (a rejected file leaves the last good keys in force, counted and logged; every applied file
 * is saved as the last known good copy and used at start-up when the file is bad or missing). So
 * revoking a key is removing its line: it stops working within one poll, no restart.
 */
public final class ApiKeyStore implements Supplier<ApiKeys>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiKeyStore.class);

    private final LiveFile<ApiKeys> file; // null: no key file, no keys

    private ApiKeyStore(LiveFile<ApiKeys> file) {
        this.file = file;
    }

    /** No key file: every request is refused. */
    public static ApiKeyStore none() {
        return new ApiKeyStore(null);
    }

    /** Loads the file once, synchronously, then polls it in the background. */
    public static ApiKeyStore start(
            Path keyFile, Duration pollInterval, RejectionListener rejected, LastKnownGood lastKnownGood) {
        ApiKeyStore store = new ApiKeyStore(new LiveFile<>(
                log,
                keyFile,
                new ApiKeyFile(),
                ApiKeys.NONE,
                pollInterval,
                rejected,
                FileAccess.DEFAULT,
                lastKnownGood,
                InForce.Listener.NONE));
        store.file.start();
        return store;
    }

    /** Unstarted, for tests that drive the polls themselves with {@link #reloadNow()}. */
    static ApiKeyStore unstarted(Path keyFile) {
        return new ApiKeyStore(new LiveFile<>(
                log,
                keyFile,
                new ApiKeyFile(),
                ApiKeys.NONE,
                Duration.ofSeconds(1),
                RejectionListener.NONE,
                FileAccess.DEFAULT,
                null,
                InForce.Listener.NONE));
    }

    LiveFile.Result reloadNow() {
        return file.reloadNow();
    }

    @Override
    public ApiKeys get() {
        return file == null ? ApiKeys.NONE : file.current();
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }
}
