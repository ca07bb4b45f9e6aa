package dev.lastseen.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.LastseenApp;
import dev.lastseen.app.Readiness;
import dev.lastseen.app.access.KeyDigest;
import dev.lastseen.app.config.ApiAccessConfig;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.HttpExposure;
import dev.lastseen.app.config.HttpServerConfig;
import dev.lastseen.app.config.KafkaStreamsConfig;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.QueryConfig;
import dev.lastseen.app.config.RestartConfig;
import dev.lastseen.app.http.HttpServer;
import dev.lastseen.app.http.SelfSignedTls;
import dev.lastseen.config.HttpServerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes manifests in ops/k8s, checked against the application's real configuration
 * (ConfigLoader's definitions and env-name mapping, Kafka Streams' ConfigDef), its real HTTP
 * routes (a started HttpServer) and each other (selectors, service names, ports, mounts).
 */
class KubernetesManifestsTest {
    @RegisterExtension
    static final SelfSignedTls TLS = new SelfSignedTls();

    static final Path IMAGE_PROPERTIES =
            Path.of("").toAbsolutePath().resolve("../image/lastseen.properties").normalize();
    static final String POD = "lastseen-1";
    static final String NAMESPACE = "lastseen-test";
    static final long JVM_OVERHEAD_BYTES = 512L << 20;

    static Manifests manifests;
    static JsonNode statefulSet;
    static JsonNode pod;
    static JsonNode container;
    static JsonNode configMap;
    static JsonNode secretExample;
    static Map<String, String> env;
    static LastseenConfig config;

    @BeforeAll
    static void load() throws IOException {
        manifests = Manifests.load();
        statefulSet = manifests.one("StatefulSet");
        pod = statefulSet.path("spec").path("template");
        JsonNode containers = pod.path("spec").path("containers");
        assertThat(containers).hasSize(1);
        container = containers.get(0);
        configMap = manifests.one("ConfigMap");
        secretExample = manifests.one("Secret");
        env = containerEnvironment(KubernetesManifestsTest::edited);
        config = ConfigLoader.load(IMAGE_PROPERTIES, withTestFiles(env));
    }

    /**
     * The environment with the files of the Secret lastseen-files (mounted in the pod, absent here)
     * replaced by real ones made for the test, so ConfigLoader opens them as it would in the pod.
     */
    static Map<String, String> withTestFiles(Map<String, String> deployed) {
        Map<String, String> e = new LinkedHashMap<>(deployed);
        Path keys;
        try {
            keys = Files.createTempFile("api-keys", "");
            keys.toFile().deleteOnExit();
            Files.writeString(keys, KeyDigest.written("manifest-test-key-0123456789abcdef-0123") + " *\n");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        e.put(envName(ApiAccessConfig.KEY_FILE), keys.toString());
        e.put(envName(HttpServerConfig.HTTP_TLS_KEYSTORE_PATH), TLS.keystore().path());
        e.put(envName(HttpServerConfig.HTTP_TLS_KEYSTORE_PASSWORD), TLS.password());
        e.put(
                envName(QueryConfig.QUERY_FORWARD_TRUSTSTORE_PATH),
                TLS.truststore().path());
        e.put(envName(QueryConfig.QUERY_FORWARD_TRUSTSTORE_PASSWORD), TLS.password());
        return e;
    }

    private static String envName(String key) {
        return ConfigLoader.envName(key);
    }

    /** A Secret value as an operator writes it over the example's: a real value of the same shape. */
    static String edited(String name, String example) {
        return example.replace("CHANGE-ME", "s3cr3t-" + Integer.toHexString(name.hashCode()));
    }

    static Map<String, String> containerEnvironment() {
        return containerEnvironment((name, value) -> value);
    }

    /** The container's environment as Kubernetes builds it for pod POD: envFrom first, then env with $(VAR) expansion. */
    static Map<String, String> containerEnvironment(java.util.function.BinaryOperator<String> secretValues) {
        Map<String, String> e = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            if (from.has("configMapRef")) {
                e.putAll(Manifests.textMap(manifests
                        .named(
                                "ConfigMap",
                                from.path("configMapRef").path("name").asText())
                        .path("data")));
            } else if (from.has("secretRef")) {
                Manifests.textMap(manifests
                                .named(
                                        "Secret",
                                        from.path("secretRef").path("name").asText())
                                .path("stringData"))
                        .forEach((name, value) -> e.put(name, secretValues.apply(name, value)));
            }
        }
        Pattern ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
        for (JsonNode var : container.path("env")) {
            String name = var.path("name").asText();
            if (var.has("value")) {
                Matcher m = ref.matcher(var.path("value").asText());
                StringBuilder expanded = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(expanded, Matcher.quoteReplacement(e.getOrDefault(m.group(1), m.group())));
                }
                m.appendTail(expanded);
                e.put(name, expanded.toString());
            } else {
                String field =
                        var.path("valueFrom").path("fieldRef").path("fieldPath").asText();
                e.put(
                        name,
                        switch (field) {
                            case "metadata.name" -> POD;
                            case "metadata.namespace" -> NAMESPACE;
                            default -> throw new AssertionError("unexpected fieldRef " + field + " for " + name);
                        });
            }
        }
        return e;
    }

    /**
     * Every LASTSEEN_* name the application reads: its config keys, Kafka Streams' and the Kafka clients' keys
     * (ConfigLoader maps those too, e.g. session.timeout.ms), and logback's variables.
     */
    static Set<String> knownEnvironmentNames() throws IOException {
        Set<String> known = new TreeSet<>();
        ConfigLoader.DEFINITION.names().forEach(k -> known.add(ConfigLoader.envName(k)));
        StreamsConfig.configDef().names().forEach(k -> known.add(ConfigLoader.envName(k)));
        ConsumerConfig.configNames().forEach(k -> known.add(ConfigLoader.envName(k)));
        ProducerConfig.configNames().forEach(k -> known.add(ConfigLoader.envName(k)));
        try (InputStream logback = LastseenApp.class.getResourceAsStream("/logback.xml")) {
            Matcher m = Pattern.compile("\\$\\{(LASTSEEN_[A-Z0-9_]+)")
                    .matcher(new String(logback.readAllBytes(), StandardCharsets.UTF_8));
            while (m.find()) {
                known.add(m.group(1));
            }
        }
        return known;
    }

    static int containerPort(String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("container has no port named " + name);
    }

    @Test
    void everyLastseenEnvironmentVariableInTheManifestsIsOneTheApplicationReads() throws IOException {
        List<String> names = new ArrayList<>();
        names.addAll(Manifests.textMap(configMap.path("data")).keySet());
        names.addAll(Manifests.textMap(secretExample.path("stringData")).keySet());
        container.path("env").forEach(v -> names.add(v.path("name").asText()));
        List<String> lastseenNames =
                names.stream().filter(n -> n.startsWith("LASTSEEN_")).toList();

        assertThat(lastseenNames).hasSizeGreaterThan(10);
        // ConfigLoader ignores unknown LASTSEEN_* variables, so a misspelt one would silently do nothing.
        assertThat(lastseenNames)
                .allSatisfy(n -> assertThat(knownEnvironmentNames())
                        .as("known LASTSEEN_* names")
                        .contains(n));
    }

    @Test
    void theDeployedEnvironmentLoadsAsAValidConfigurationThroughConfigLoader() {
        assertThatCode(() -> ConfigLoader.load(IMAGE_PROPERTIES, withTestFiles(env)))
                .doesNotThrowAnyException();
        String secretFiles = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals("secret-files")) {
                secretFiles = mount.path("mountPath").asText();
            }
        }
        assertThat(secretFiles).as("the Secret lastseen-files is mounted").isNotNull();
        for (String key : List.of(
                ApiAccessConfig.KEY_FILE,
                HttpServerConfig.HTTP_TLS_KEYSTORE_PATH,
                QueryConfig.QUERY_FORWARD_TRUSTSTORE_PATH)) {
            assertThat(env.get(envName(key))).as(key).startsWith(secretFiles + "/");
        }
        assertThat(config.streams()).containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        assertThat(config.streams()).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "lastseen");
        assertThat(config.http().tls()).as("the API and forwarding speak HTTPS").isNotNull();
        assertThat(config.query().forwardTrust()).isNotNull();
        assertThat(config.query()
                        .forwardHosts()
                        .matcher(POD + ".lastseen-headless." + NAMESPACE + ".svc.cluster.local")
                        .matches())
                .as("forwarding reaches the pods' own headless names")
                .isTrue();
        assertThat(config.query().forwardHosts().matcher("evil.example.com").matches())
                .isFalse();
        assertThat(config.registry().auth()).isInstanceOf(dev.lastseen.registry.RegistryAuth.Basic.class);
        assertThat(config.query().forwardCredential())
                .as("three instances forward to each other: they need the instance credential")
                .isNotNull();
    }

    @Test
    void servicesUseTheApiPortAndProbesAndTheScrapeTheManagementPort() {
        int api = config.http().port();
        int management = config.http().managementPort();
        assertThat(management)
                .as("a management port separate from the API's")
                .isPositive()
                .isNotEqualTo(api);
        assertThat(containerPort("http")).isEqualTo(api);
        assertThat(containerPort("management")).isEqualTo(management);
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            JsonNode probePort = container.path(probe).path("httpGet").path("port");
            assertThat(probePort.isInt() ? probePort.asInt() : containerPort(probePort.asText()))
                    .as("%s: answered whatever the query load", probe)
                    .isEqualTo(management);
        }
        for (JsonNode service : manifests.ofKind("Service")) {
            JsonNode target = service.path("spec").path("ports").get(0).path("targetPort");
            assertThat(target.isInt() ? target.asInt() : containerPort(target.asText()))
                    .as(service.path("metadata").path("name").asText())
                    .isEqualTo(api);
        }
        assertThat(pod.path("metadata")
                        .path("annotations")
                        .path("prometheus.io/port")
                        .asText())
                .isEqualTo(String.valueOf(management));
    }

    @Test
    void probesAndScrapePathAreRoutesTheRealHttpServerServes() throws Exception {
        String readiness =
                container.path("readinessProbe").path("httpGet").path("path").asText();
        String liveness =
                container.path("livenessProbe").path("httpGet").path("path").asText();
        String startup =
                container.path("startupProbe").path("httpGet").path("path").asText();
        String metrics = pod.path("metadata")
                .path("annotations")
                .path("prometheus.io/path")
                .asText();

        // A Readiness with no streams attached: neither live nor ready, as at start-up.
        try (HttpServer http = HttpServer.start(
                new HttpServerSettings("127.0.0.1", 0).withPorts(0, 0),
                HttpExposure.SINGLE_PORT,
                "manifest-test:0",
                new Readiness(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                routes -> {})) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            java.util.function.Function<String, HttpResponse<String>> get = path -> {
                try {
                    return client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.managementPort() + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(get.apply("/no-such-route").statusCode())
                    .as("control: unknown path")
                    .isEqualTo(404);

            HttpResponse<String> ready = get.apply(readiness);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("not-ready");
            for (String livePath : List.of(liveness, startup)) {
                HttpResponse<String> live = get.apply(livePath);
                assertThat(live.statusCode()).isEqualTo(503);
                assertThat(live.body()).contains("not-live");
            }
            assertThat(get.apply(metrics).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void applicationServerIsThePodsStableNameThroughTheHeadlessService() {
        JsonNode headless = manifests.named(
                "Service", statefulSet.path("spec").path("serviceName").asText());
        assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");

        String server = (String) config.streams().get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        assertThat(server)
                .isEqualTo(POD + "." + headless.path("metadata").path("name").asText() + "." + NAMESPACE
                        + ".svc.cluster.local:" + config.http().port());
    }

    @Test
    void pdbAndServicesSelectExactlyTheStatefulSetsPods() {
        Map<String, String> podLabels = Manifests.textMap(pod.path("metadata").path("labels"));
        Map<String, String> selector =
                Manifests.textMap(statefulSet.path("spec").path("selector").path("matchLabels"));
        assertThat(podLabels).containsAllEntriesOf(selector);

        JsonNode pdb = manifests.one("PodDisruptionBudget");
        assertThat(Manifests.textMap(pdb.path("spec").path("selector").path("matchLabels")))
                .isEqualTo(selector);
        assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        for (JsonNode service : manifests.ofKind("Service")) {
            assertThat(Manifests.textMap(service.path("spec").path("selector"))).isEqualTo(selector);
        }
        Object standbys = config.streams().get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
        assertThat(standbys).as("num.standby.replicas set").isNotNull();
        assertThat(statefulSet.path("spec").path("replicas").asInt())
                .as("replicas > standbys")
                .isGreaterThan(Integer.parseInt(standbys.toString()));
    }

    @Test
    void stateVolumeIsMountedAtTheConfiguredStateDirAndTmpIsWritable() {
        Map<String, String> mounts = new LinkedHashMap<>();
        container
                .path("volumeMounts")
                .forEach(m ->
                        mounts.put(m.path("mountPath").asText(), m.path("name").asText()));

        String stateDir = (String) config.streams().get(StreamsConfig.STATE_DIR_CONFIG);
        List<String> claimTemplates = new ArrayList<>();
        statefulSet
                .path("spec")
                .path("volumeClaimTemplates")
                .forEach(t -> claimTemplates.add(t.path("metadata").path("name").asText()));
        assertThat(mounts.get(stateDir))
                .as("volume mounted at state.dir " + stateDir)
                .isNotNull()
                .isIn(claimTemplates);

        assertThat(container
                        .path("securityContext")
                        .path("readOnlyRootFilesystem")
                        .asBoolean())
                .isTrue();
        List<String> emptyDirs = new ArrayList<>();
        pod.path("spec").path("volumes").forEach(v -> {
            if (v.has("emptyDir")) {
                emptyDirs.add(v.path("name").asText());
            }
        });
        // Native libraries (RocksDB, zstd, ...) unpack into java.io.tmpdir.
        assertThat(mounts.get("/tmp")).isIn(emptyDirs);
    }

    @Test
    void memoryLimitCoversHeapPlusRocksDbMemoryPlusJvmOverhead() {
        long limit = quantity(
                container.path("resources").path("limits").path("memory").asText());
        long request = quantity(
                container.path("resources").path("requests").path("memory").asText());
        Matcher xmx = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)").matcher(env.getOrDefault("JDK_JAVA_OPTIONS", ""));
        assertThat(xmx.find()).as("JDK_JAVA_OPTIONS fixes the heap with -Xmx").isTrue();
        long heap = Long.parseLong(xmx.group(1))
                << switch (xmx.group(2).toLowerCase(java.util.Locale.ROOT)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
        long rocksdb = (Long) config.streams().get(KafkaStreamsConfig.ROCKSDB_MEMORY_BYTES);

        assertThat(limit).isGreaterThanOrEqualTo(heap + rocksdb + JVM_OVERHEAD_BYTES);
        assertThat(request)
                .as("request = limit: stateful pods are the last evicted")
                .isEqualTo(limit);
    }

    static long quantity(String q) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi)?").matcher(q);
        assertThat(m.matches()).as("memory quantity " + q).isTrue();
        long n = Long.parseLong(m.group(1));
        return m.group(2) == null
                ? n
                : n
                        << switch (m.group(2)) {
                            case "Ki" -> 10;
                            case "Mi" -> 20;
                            default -> 30;
                        };
    }

    @Test
    void secretValuesComeOnlyFromTheSecret() {
        Set<String> passwordEnvNames = ConfigLoader.DEFINITION.configKeys().values().stream()
                .filter(k -> k.type == ConfigDef.Type.PASSWORD)
                .map(k -> ConfigLoader.envName(k.name))
                .collect(Collectors.toSet());
        assertThat(passwordEnvNames)
                .contains("LASTSEEN_QUERY_FORWARD_CREDENTIAL", "LASTSEEN_SCHEMA_REGISTRY_BASIC_PASSWORD");

        assertThat(Manifests.textMap(configMap.path("data")).keySet()).doesNotContainAnyElementsOf(passwordEnvNames);
        container
                .path("env")
                .forEach(v -> assertThat(passwordEnvNames)
                        .doesNotContain(v.path("name").asText()));
        assertThat(Manifests.textMap(secretExample.path("stringData")).keySet())
                .containsAll(Set.of("LASTSEEN_QUERY_FORWARD_CREDENTIAL", "LASTSEEN_SCHEMA_REGISTRY_BASIC_PASSWORD"));
    }

    @Test
    void terminationGracePeriodOutlastsTheDrainAndTheConfiguredShutdownTimeout() {
        Duration drain = config.resilience().shutdownDrain();
        Duration close = config.resilience().shutdownTimeout();
        long grace = pod.path("spec").path("terminationGracePeriodSeconds").asLong();
        assertThat(container.path("lifecycle").path("preStop").isMissingNode())
                .as("no preStop pause: the app drains itself (lastseen.shutdown.drain.ms), /readyz 503 meanwhile")
                .isTrue();
        assertThat(drain)
                .as("a drain while endpoints stop routing here")
                .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(15));
        // The drain, then the HTTP server stops (a second), then Kafka Streams gets the shutdown timeout;
        // the rest is margin before the kubelet's SIGKILL.
        assertThat(Duration.ofSeconds(grace))
                .isGreaterThanOrEqualTo(close.plus(drain).plusSeconds(15));
    }

    @Test
    void eachPodIsAStaticGroupMemberNamedAfterItselfThroughTheDownwardApi() {
        JsonNode instanceId = null;
        for (JsonNode var : container.path("env")) {
            if (var.path("name").asText().equals(ConfigLoader.envName(RestartConfig.INSTANCE_ID))) {
                instanceId = var;
            }
        }
        assertThat(instanceId).as("LASTSEEN_INSTANCE_ID in the container's env").isNotNull();
        assertThat(instanceId
                        .path("valueFrom")
                        .path("fieldRef")
                        .path("fieldPath")
                        .asText())
                .isEqualTo("metadata.name");
        assertThat(config.resilience().instanceId()).isEqualTo(POD);
        assertThat(config.streams()).containsEntry("group.instance.id", POD);
        // A rolling restart keeps the pod's tasks: it stays in the group and is back well within the session.
        assertThat(config.resilience().leavesGroupOnShutdown()).isFalse();
        assertThat(Long.parseLong(config.streams().get("session.timeout.ms").toString()))
                .as("session.timeout.ms covers a pod restart (measured ~10 s; RUNBOOK)")
                .isBetween(30_000L, 120_000L);
    }

    @Test
    void kustomizationAppliesEveryManifestButTheSecretExample() throws IOException {
        JsonNode kustomization = Manifests.YAML.readTree(
                Manifests.DIR.resolve("kustomization.yaml").toFile());
        Set<String> resources = new TreeSet<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        Set<String> manifestFiles = new TreeSet<>(manifests.byFile.keySet());
        manifestFiles.removeAll(Set.of("kustomization.yaml", "secret.example.yaml"));
        assertThat(resources).isEqualTo(manifestFiles);
        resources.forEach(
                r -> assertThat(Files.isRegularFile(Manifests.DIR.resolve(r))).isTrue());

        // The image the StatefulSet names is the one kustomize pins, by digest (a tag can be moved).
        String image = container.path("image").asText();
        assertThat(image).matches("[a-z0-9./-]+@sha256:[0-9a-f]{64}");
        assertThat(image.substring(0, image.indexOf('@')))
                .isEqualTo(kustomization.path("images").get(0).path("name").asText());
        assertThat(kustomization.path("images").get(0).path("digest").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(kustomization.path("images").get(0).has("newTag")).isFalse();
    }

    @Test
    void thePodHasNoServiceAccountTokenAndANetworkPolicyAdmitsOnlyItsTwoPorts() {
        assertThat(pod.path("spec").path("automountServiceAccountToken").isBoolean()
                        && !pod.path("spec")
                                .path("automountServiceAccountToken")
                                .asBoolean())
                .as("automountServiceAccountToken: false")
                .isTrue();
        JsonNode policy = manifests.one("NetworkPolicy");
        assertThat(policy.path("spec").path("podSelector").path("matchLabels"))
                .isEqualTo(statefulSet.path("spec").path("selector").path("matchLabels"));
        assertThat(policy.path("spec").path("policyTypes").toString()).contains("Ingress");
        Set<Integer> ports = new TreeSet<>();
        policy.path("spec").path("ingress").forEach(rule -> {
            assertThat(rule.path("from").isArray() && rule.path("from").size() > 0)
                    .as("every ingress rule names its sources")
                    .isTrue();
            rule.path("ports").forEach(p -> ports.add(p.path("port").asInt()));
        });
        assertThat(ports).containsExactlyInAnyOrder(containerPort("http"), containerPort("management"));
    }

    @Test
    void theExampleSecretFailsValidationUntilEveryValueIsEdited() {
        Map<String, String> example = Manifests.textMap(secretExample.path("stringData"));
        Set<String> passwordEnvNames = ConfigLoader.DEFINITION.configKeys().values().stream()
                .filter(k -> k.type == ConfigDef.Type.PASSWORD)
                .map(k -> ConfigLoader.envName(k.name))
                .collect(Collectors.toSet());
        List<String> secretNames =
                example.keySet().stream().filter(passwordEnvNames::contains).toList();
        assertThat(secretNames).hasSizeGreaterThanOrEqualTo(3);
        assertThatThrownBy(() -> ConfigLoader.load(IMAGE_PROPERTIES, withTestFiles(containerEnvironment())))
                .as("the example as shipped")
                .hasMessageContaining("CHANGE-ME");
        for (String unedited : secretNames) {
            Map<String, String> oneLeft = new LinkedHashMap<>(withTestFiles(
                    containerEnvironment((name, value) -> name.equals(unedited) ? value : edited(name, value))));
            oneLeft.put(unedited, example.get(unedited)); // the test files' passwords must not hide it
            assertThatThrownBy(() -> ConfigLoader.load(IMAGE_PROPERTIES, oneLeft))
                    .as("only %s left as in the example", unedited)
                    .hasMessageContaining(ConfigLoader.DEFINITION.names().stream()
                            .filter(k -> ConfigLoader.envName(k).equals(unedited))
                            .findFirst()
                            .orElseThrow());
        }
    }
}
