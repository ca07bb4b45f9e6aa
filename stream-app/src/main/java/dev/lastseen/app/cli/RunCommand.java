package dev.lastseen.app.cli;

import dev.lastseen.app.LastseenServer;
import dev.lastseen.app.RegistryClients;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run against a real Kafka cluster and schema registry. Stops cleanly on SIGTERM/Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", required = true, description = "Properties file (keys: see README; env LASTSEEN_* overrides).")
    Path config;

    @Override
    public Integer call() throws Exception {
        LastseenConfig cfg = ConfigLoader.load(config, System.getenv());
        log.info("Starting with {}", cfg);
        int partitions = accountPartitions(cfg);
        CountDownLatch stop = new CountDownLatch(1);
        try (LastseenServer server = LastseenServer.start(cfg, RegistryClients.create(cfg.registry()), partitions)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                server.close();
            }, "lastseen-shutdown"));
            log.info("lastseen running; HTTP on port {}", server.httpPort());
            stop.await();
        }
        return 0;
    }

    /** The login topic's partition count: the account partitioning every account-keyed topic must share. */
    static int accountPartitions(LastseenConfig cfg) throws Exception {
        Object bootstrap = cfg.streams().get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis()))) {
            String topic = cfg.topics().loginEvents();
            Map<String, TopicDescription> d = admin.describeTopics(List.of(topic)).allTopicNames().get();
            return d.get(topic).partitions().size();
        }
    }
}
