package dev.lastseen.it;

import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.kafka.ContractTopics;
import dev.lastseen.devtools.kafka.EmbeddedKraftBroker;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker ({@link EmbeddedKraftBroker}, Kafka's own classes in this JVM).
 *
 * <ul>
 *   <li>{@code @RegisterExtension static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();}
 *       — one broker for every class of the test run that asks for it, started by the first and
 *       stopped when the run ends. A class that shares it keeps to its own topics (a prefix, see
 *       {@code ItKafka.topics}) and its own {@code application.id}s and group ids, so it neither sees
 *       nor disturbs another class's records; its {@link #restart()} restarts the shared broker on
 *       the same data and ports (failsafe runs the classes one after another, so no other class is
 *       using it meanwhile). This is the cheaper choice: every shared class saves a broker start.
 *   <li>{@code new KraftBrokerExtension()} — a broker of the class's own, started before its first
 *       test and stopped after its last: for a class that needs an empty cluster.
 *   <li>{@code KraftBrokerExtension.withSaslSsl(listener)} — a broker of the class's own with a
 *       SASL_SSL client listener as well ({@link EmbeddedKraftBroker.SaslSslListener}).
 * </ul>
 *
 * Data lives under the integration tests' work directory.
 */
public final class KraftBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private final boolean shared;
    private final Supplier<EmbeddedKraftBroker.SaslSslListener> saslSsl;
    private Broker broker;

    /** A broker of this class's own. */
    public KraftBrokerExtension() {
        this(false, () -> null);
    }

    private KraftBrokerExtension(boolean shared, Supplier<EmbeddedKraftBroker.SaslSslListener> saslSsl) {
        this.shared = shared;
        this.saslSsl = saslSsl;
    }

    /** The test run's shared broker. */
    public static KraftBrokerExtension shared() {
        return new KraftBrokerExtension(true, () -> null);
    }

    /**
     * A broker of this class's own with a SASL_SSL client listener too, asked for when it starts (so
     * that its keystore can be made in the class's static initialisation or {@code @BeforeAll} order).
     */
    public static KraftBrokerExtension withSaslSsl(Supplier<EmbeddedKraftBroker.SaslSslListener> listener) {
        return new KraftBrokerExtension(false, listener);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            // The root context's store closes its AutoCloseable values when the whole run ends.
            broker = context.getRoot()
                    .getStore(ExtensionContext.Namespace.create(KraftBrokerExtension.class))
                    .computeIfAbsent(Broker.class, k -> Broker.start("shared-broker", null), Broker.class);
        } else {
            broker = Broker.start(context.getRequiredTestClass().getSimpleName() + "-broker", saslSsl.get());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared && broker != null) {
            broker.close();
        }
        broker = null;
    }

    public EmbeddedKraftBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs only between the test class's @BeforeAll and @AfterAll");
        }
        return broker.current;
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
        broker();
        broker.restart();
    }

    /** One broker and its data directory; what a restart replaces is the running instance. */
    private static final class Broker implements AutoCloseable {
        private final Path dataDir;
        private final EmbeddedKraftBroker.SaslSslListener saslSsl;
        private EmbeddedKraftBroker current;

        private Broker(Path dataDir, EmbeddedKraftBroker.SaslSslListener saslSsl, EmbeddedKraftBroker current) {
            this.dataDir = dataDir;
            this.saslSsl = saslSsl;
            this.current = current;
        }

        static Broker start(String name, EmbeddedKraftBroker.SaslSslListener saslSsl) {
            Path dataDir = ItPaths.workDir(name);
            return new Broker(dataDir, saslSsl, EmbeddedKraftBroker.start(dataDir, 0, 0, saslSsl));
        }

        synchronized void restart() {
            EmbeddedKraftBroker old = current;
            old.close();
            EmbeddedKraftBroker.SaslSslListener sameSasl = saslSsl == null
                    ? null
                    : new EmbeddedKraftBroker.SaslSslListener(
                            old.saslSslPort(), saslSsl.keyStore(), saslSsl.keyStorePassword(), saslSsl.users());
            current = EmbeddedKraftBroker.start(dataDir, old.port(), old.controllerPort(), sameSasl);
        }

        @Override
        public synchronized void close() {
            current.close();
        }
    }
}
