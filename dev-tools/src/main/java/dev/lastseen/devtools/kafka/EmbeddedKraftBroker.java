package dev.lastseen.devtools.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker, in KRaft combined mode (broker + controller in one
 * {@link KafkaRaftServer}), built from Kafka's own classes and running in the current JVM.
 *
 * <p>Used by {@code lastseen demo} and by integration tests. Listeners bind to 127.0.0.1 only.
 * Settings are those a single node needs: replication factor 1 and min ISR 1 for the internal
 * offsets / transaction state / share-group state topics, no initial rebalance delay, and
 * automatic topic creation off (topics are created explicitly with {@link #createTopic}).
 * Exactly-once ({@code exactly_once_v2}) Kafka Streams clients work against it.
 *
 * <p>Storage under {@code dataDir} is formatted on first start (Kafka's {@link StorageTool},
 * {@code --ignore-formatted}) and reused on later starts with the same directory, so a restart
 * on the same {@code dataDir} keeps topics and committed data.
 *
 * <p>Optionally ({@link SaslSslListener}) it has a second client listener, SASL_SSL with the PLAIN
 * mechanism, for clients that connect the way they connect to a secured cluster; the PLAINTEXT
 * listener stays for the broker's own admin client and the inter-broker traffic.
 *
 * <p>Only one instance per JVM: the broker registers JVM-global metrics (Yammer registry, JMX).
 */
public final class EmbeddedKraftBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKraftBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** Partitions of __consumer_offsets / __transaction_state: small, a single node starts faster. */
    private static final int INTERNAL_TOPIC_PARTITIONS = 5;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_START_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final int port;
    private final int controllerPort;
    private final int saslSslPort;
    private final Admin admin;
    private boolean closed;

    private EmbeddedKraftBroker(KafkaRaftServer server, int port, int controllerPort, int saslSslPort, Admin admin) {
        this.server = server;
        this.port = port;
        this.controllerPort = controllerPort;
        this.saslSslPort = saslSslPort;
        this.admin = admin;
    }

    /**
     * A SASL_SSL client listener: the broker's TLS key and certificate in a PKCS12 keystore, and the
     * users (name to password) the PLAIN mechanism accepts. {@code port} 0 picks a free port.
     */
    public record SaslSslListener(int port, Path keyStore, String keyStorePassword, Map<String, String> users) {
        public SaslSslListener {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(keyStorePassword, "keyStorePassword");
            users = Map.copyOf(users);
            if (users.isEmpty()) {
                throw new IllegalArgumentException("a SASL_SSL listener needs at least one user");
            }
            checkPort(port, "port");
        }

        SaslSslListener onPort(int p) {
            return new SaslSslListener(p, keyStore, keyStorePassword, users);
        }

        @Override
        public String toString() {
            return "SaslSslListener[port=" + port + ", keyStore=" + keyStore + ", users=" + users.keySet() + "]";
        }
    }

    /**
     * Formats {@code dataDir} if needed and starts the broker; returns once it accepts requests.
     *
     * @param dataDir directory for the log dirs and the generated server.properties (created if missing)
     * @param port    client (PLAINTEXT) port on 127.0.0.1; 0 picks a free port
     */
    public static EmbeddedKraftBroker start(Path dataDir, int port) {
        return start(dataDir, port, 0);
    }

    /**
     * As {@link #start(Path, int)}, with an explicit controller port (0 picks a free port).
     */
    public static EmbeddedKraftBroker start(Path dataDir, int port, int controllerPort) {
        return start(dataDir, port, controllerPort, null);
    }

    /**
     * As {@link #start(Path, int, int)}, with a SASL_SSL client listener as well when {@code saslSsl}
     * is not null (see {@link #saslSslBootstrapServers()}).
     */
    public static EmbeddedKraftBroker start(Path dataDir, int port, int controllerPort, SaslSslListener saslSsl) {
        Objects.requireNonNull(dataDir, "dataDir");
        checkPort(port, "port");
        checkPort(controllerPort, "controllerPort");
        boolean anyPicked = port == 0 || controllerPort == 0 || (saslSsl != null && saslSsl.port() == 0);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= (anyPicked ? MAX_START_ATTEMPTS : 1); attempt++) {
            int p = port == 0 ? freePort() : port;
            int c = controllerPort == 0 ? freePort(p) : controllerPort;
            SaslSslListener s = saslSsl == null || saslSsl.port() != 0 ? saslSsl : saslSsl.onPort(freePort(p, c));
            try {
                return startOnce(dataDir.toAbsolutePath(), p, c, s);
            } catch (RuntimeException e) {
                last = e;
                // A picked port may have been taken between picking and binding: try other ports.
                LOG.warn(
                        "Embedded Kafka broker failed to start on ports {}/{} (attempt {}): {}",
                        p,
                        c,
                        attempt,
                        e.toString());
            }
        }
        throw last;
    }

    private static EmbeddedKraftBroker startOnce(Path dataDir, int port, int controllerPort, SaslSslListener saslSsl) {
        Properties props = serverProperties(dataDir, port, controllerPort);
        if (saslSsl != null) {
            props.putAll(saslSslProperties(port, controllerPort, saslSsl));
        }
        Path propsFile = dataDir.resolve("server.properties");
        try {
            Files.createDirectories(dataDir);
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "generated by EmbeddedKraftBroker; rewritten on every start");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + propsFile, e);
        }
        format(propsFile, existingClusterId(dataDir));

        KafkaRaftServer server = newServer(props);
        Admin admin = null;
        try {
            server.startup();
            admin = Admin.create(adminConfig(HOST + ":" + port));
            // KafkaRaftServer.startup() returns once the broker is unfenced; make sure a client can
            // actually see the broker in its metadata before handing it out.
            awaitBroker(admin);
            LOG.info(
                    "Embedded Kafka broker ready on {}:{} (controller {}), data in {}",
                    HOST,
                    port,
                    controllerPort,
                    dataDir);
            return new EmbeddedKraftBroker(server, port, controllerPort, saslSsl == null ? -1 : saslSsl.port(), admin);
        } catch (RuntimeException | Error e) {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
            shutdownQuietly(server);
            throw e;
        }
    }

    /**
     * {@code new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM)}, reflectively:
     * KafkaConfig's superclass lives in kafka-server, which kafka_2.13 only declares as a runtime
     * dependency, so javac cannot see it; at run time it is on the class path.
     */
    private static KafkaRaftServer newServer(Properties props) {
        try {
            Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
            Object config = configClass
                    .getMethod("fromProps", Properties.class, boolean.class)
                    .invoke(null, props, false);
            return KafkaRaftServer.class.getConstructor(configClass, Time.class).newInstance(config, Time.SYSTEM);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot create the Kafka server: " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Kafka server classes not usable (kafka_2.13 " + e + ")", e);
        }
    }

    /** The Kafka properties this broker runs with. */
    static Properties serverProperties(Path dataDir, int port, int controllerPort) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("process.roles", "broker,controller");
        m.put("node.id", Integer.toString(NODE_ID));
        m.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        m.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        m.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        m.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        m.put("controller.listener.names", "CONTROLLER");
        m.put("inter.broker.listener.name", "PLAINTEXT");
        m.put("log.dirs", logDir(dataDir).toString());

        // Single node: every internal topic with one replica.
        m.put("offsets.topic.replication.factor", "1");
        m.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        m.put("transaction.state.log.replication.factor", "1");
        m.put("transaction.state.log.min.isr", "1");
        m.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        m.put("share.coordinator.state.topic.replication.factor", "1");
        m.put("share.coordinator.state.topic.min.isr", "1");
        m.put("default.replication.factor", "1");
        m.put("min.insync.replicas", "1");
        m.put("group.initial.rebalance.delay.ms", "0");
        m.put("auto.create.topics.enable", "false");
        // After a crash the old broker registration must expire before re-registering (default 9 s).
        m.put("broker.session.timeout.ms", "4000");
        m.put("broker.heartbeat.interval.ms", "1000");

        // Lean: a demo/test broker shares the JVM with the application.
        m.put("num.network.threads", "2");
        m.put("num.io.threads", "4");
        m.put("background.threads", "4");
        m.put("num.recovery.threads.per.data.dir", "1");
        m.put("log.cleaner.threads", "1");
        m.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        m.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        m.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        m.put("log.retention.check.interval.ms", "60000");

        Properties props = new Properties();
        props.putAll(m);
        return props;
    }

    /** What a SASL_SSL client listener adds (and changes) in {@link #serverProperties}. */
    static Map<String, String> saslSslProperties(int port, int controllerPort, SaslSslListener l) {
        Map<String, String> m = new LinkedHashMap<>();
        String sasl = HOST + ":" + l.port();
        m.put(
                "listeners",
                "PLAINTEXT://" + HOST + ":" + port + ",SASL_SSL://" + sasl + ",CONTROLLER://" + HOST + ":"
                        + controllerPort);
        m.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port + ",SASL_SSL://" + sasl);
        m.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
        m.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "PLAIN");
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        l.users().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(u -> jaas.append(" user_")
                        .append(u.getKey())
                        .append("=\"")
                        .append(u.getValue())
                        .append('"'));
        m.put("listener.name.sasl_ssl.plain.sasl.jaas.config", jaas.append(';').toString());
        m.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
        m.put(
                "listener.name.sasl_ssl.ssl.keystore.location",
                l.keyStore().toAbsolutePath().toString());
        m.put("listener.name.sasl_ssl.ssl.keystore.password", l.keyStorePassword());
        m.put("listener.name.sasl_ssl.ssl.key.password", l.keyStorePassword());
        return m;
    }

    /** The cluster id of an already formatted data dir; --ignore-formatted still insists on the same id. */
    private static String existingClusterId(Path dataDir) {
        Path meta = logDir(dataDir).resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(meta)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
        String id = p.getProperty("cluster.id");
        return id == null || id.isBlank() ? null : id.trim();
    }

    private static Path logDir(Path dataDir) {
        return dataDir.resolve("kraft-logs");
    }

    private static void format(Path propsFile, String clusterId) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String id = clusterId != null ? clusterId : Uuid.randomUuid().toString();
        // One word: an id read back from meta.properties may start with '-', which the tool would take for an option.
        String[] args = {"format", "--cluster-id=" + id, "--config", propsFile.toString(), "--ignore-formatted"};
        int rc;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args, out);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "formatting Kafka storage failed: " + e.getMessage() + " " + buf.toString(StandardCharsets.UTF_8),
                    e);
        }
        String output = buf.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (" + rc + "): " + output);
        }
        LOG.debug("kafka-storage format: {}", output);
    }

    private static Map<String, Object> adminConfig(String bootstrap) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kraft-broker-admin");
        cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        return cfg;
    }

    private static void awaitBroker(Admin admin) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "embedded Kafka broker did not become ready in " + READY_TIMEOUT, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the broker", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("embedded Kafka broker did not become ready in " + READY_TIMEOUT);
            }
            sleep(100);
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** {@code 127.0.0.1:port} of the SASL_SSL listener. */
    public String saslSslBootstrapServers() {
        if (saslSslPort < 0) {
            throw new IllegalStateException("this broker was started without a SASL_SSL listener");
        }
        return HOST + ":" + saslSslPort;
    }

    /** The SASL_SSL listener's port, -1 when the broker has none. */
    public int saslSslPort() {
        return saslSslPort;
    }

    /** The client (PLAINTEXT) port. */
    public int port() {
        return port;
    }

    /** The KRaft controller port. */
    public int controllerPort() {
        return controllerPort;
    }

    /**
     * Creates a topic with replication factor 1 unless it already exists (then nothing changes,
     * not even a differing partition count or config), and waits until every partition has a leader.
     *
     * @param configs topic configs such as {@code cleanup.policy=compact}; may be null or empty
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
        }
        ensureOpen();
        NewTopic topic = new NewTopic(name, partitions, (short) 1);
        if (configs != null && !configs.isEmpty()) {
            topic.configs(Map.copyOf(configs));
        }
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created topic {} ({} partitions, {})", name, partitions, configs == null ? Map.of() : configs);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        }
        awaitLeaders(name);
    }

    private void awaitLeaders(String name) {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(Set.of(name))
                        .allTopicNames()
                        .get(5, TimeUnit.SECONDS)
                        .get(name);
                if (d != null
                        && d.partitions().stream()
                                .map(TopicPartitionInfo::leader)
                                .allMatch(Objects::nonNull)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException(
                            "cannot describe topic " + name + ": " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                // retry below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topic " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + name + " has no leader after " + ADMIN_TIMEOUT);
            }
            sleep(50);
        }
    }

    /** Stops the broker and controller cleanly. Its data directory is kept. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        admin.close(Duration.ofSeconds(2));
        shutdownQuietly(server);
        LOG.info("Embedded Kafka broker on {} stopped", bootstrapServers());
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping the embedded Kafka broker", e);
        }
    }

    private static void checkPort(int port, String what) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " out of range: " + port);
        }
    }

    private static int freePort(int... avoid) {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1}))) {
                int p = s.getLocalPort();
                boolean clash = false;
                for (int a : avoid) {
                    clash |= a == p;
                }
                if (!clash) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("cannot find a free port");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
