package dev.lastseen.app.cli;

import dev.lastseen.app.config.ClientConfigs;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

/** The {@code --config} option of the commands that act on a deployment, and what they get from it. */
final class ConfigFile {
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    @Option(
            names = "--config",
            required = true,
            description =
                    "The instance's properties file, the same as for `lastseen run` (LASTSEEN_* environment overrides apply).")
    Path path;

    LastseenConfig load() {
        return ConfigLoader.load(path, System.getenv());
    }

    static String applicationId(LastseenConfig config) {
        return String.valueOf(config.streams().get(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    /** An admin client that reaches the cluster as the instances do (their bootstrap and security settings). */
    static Admin admin(LastseenConfig config) {
        return Admin.create(ClientConfigs.admin(config, ADMIN_TIMEOUT));
    }
}
