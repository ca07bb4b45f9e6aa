package dev.lastseen.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Creates {@link LastseenProcess}es for a test and stops every one of them after it, however the
 * test ended, so no {@code lastseen run} JVM outlives its test. Register it per test instance:
 * {@code @RegisterExtension final LastseenProcesses processes = new LastseenProcesses();}
 */
public final class LastseenProcesses implements AfterEachCallback {
    private final List<LastseenProcess> created = new CopyOnWriteArrayList<>();

    /** A new, not yet started instance; see {@link LastseenProcess#LastseenProcess(String, Path, int, Map, Map)}. */
    public LastseenProcess create(
            String name, Path dir, int httpPort, Map<String, ?> settings, Map<String, String> env) {
        return track(new LastseenProcess(name, dir, httpPort, settings, env));
    }

    /** A new, not yet started instance on a free HTTP port. */
    public LastseenProcess create(String name, Path dir, Map<String, ?> settings) {
        return track(new LastseenProcess(name, dir, settings));
    }

    /** A new, not yet started {@code lastseen apply} process on a free HTTP port. */
    public LastseenProcess createApplier(String name, Path dir, Map<String, ?> settings) {
        return track(
                new LastseenProcess(name, LastseenProcess.Command.APPLY, dir, Loopback.freePort(), settings, Map.of()));
    }

    private LastseenProcess track(LastseenProcess p) {
        created.add(p);
        return p;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LastseenProcess.closeAll(List.copyOf(created));
        created.clear();
    }
}
