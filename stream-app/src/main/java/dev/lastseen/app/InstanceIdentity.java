package dev.lastseen.app;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.RestartConfig;
import dev.lastseen.common.InstanceIdFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's stable identity when {@value RestartConfig#INSTANCE_ID} is not configured: a name kept
 * in the state directory ({@code <state.dir>/lastseen/instance.id}, see {@link InstanceIdFile}), created
 * on the first start. The identity then belongs to the state: a crash or restart on the same volume
 * rejoins the group as the same static member (its tasks come back at once, with their local state)
 * instead of waiting for the old member's session to expire. A configured name always wins.
 */
public final class InstanceIdentity {
    private static final Logger log = LoggerFactory.getLogger(InstanceIdentity.class);
    static final String FILE = InstanceIdFile.ID_FILE;

    private InstanceIdentity() {}

    /** The configuration as given when it names the instance, else as the static member the state directory names. */
    public static LastseenConfig resolve(LastseenConfig config) {
        if (config.resilience().instanceId() != null) {
            return config;
        }
        // No lock of its own: Kafka Streams locks the state directory.
        String id = InstanceIdFile.readOrCreate(LastseenApp.ownDir(config), "lastseen", RestartConfig.INSTANCE_ID);
        log.info("No {} configured: this instance is {} (kept in {})", RestartConfig.INSTANCE_ID, id, FILE);
        return config.withInstanceId(id);
    }
}
