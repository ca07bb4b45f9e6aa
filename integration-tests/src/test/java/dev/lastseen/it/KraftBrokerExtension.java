package dev.lastseen.it;

import dev.lastseen.app.config.TopicNames;
import dev.lastseen.devtools.kafka.ContractTopics;
import dev.lastseen.devtools.kafka.EmbeddedKraftBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker ({@link EmbeddedKraftBroker}, Kafka's own classes in this JVM)
 * for one test class: started before its first test, stopped after its last. Register it as
 * {@code @RegisterExtension static final KraftBrokerExtension KAFKA = new KraftBrokerExtension();}.
 * One broker per JVM at a time (Kafka registers JVM-global metrics); failsafe runs the classes one
 * after another. Its data lives under the integration tests' work directory.
 */
public final class KraftBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKraftBroker broker;
    private Path dataDir;

    @Override
    public void beforeAll(ExtensionContext context) {
        dataDir = ItPaths.workDir(context.getRequiredTestClass().getSimpleName() + "-broker");
        broker = EmbeddedKraftBroker.start(dataDir, 0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public EmbeddedKraftBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs only between the test class's @BeforeAll and @AfterAll");
        }
        return broker;
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** Creates the contract's topics (idempotent; the dead-letter topic gets one partition). */
    public void createTopics(TopicNames topics, int partitions) {
        ContractTopics.create(broker(), topics, partitions);
    }

    /**
     * Stops the broker cleanly and starts it again on the same data and ports: a broker restart as
     * its clients see it (committed data and transactions kept).
     */
    public void restart() {
        EmbeddedKraftBroker old = broker();
        old.close();
        broker = EmbeddedKraftBroker.start(dataDir, old.port(), old.controllerPort());
    }
}
