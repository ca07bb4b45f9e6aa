package dev.lastseen.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.Readiness;
import dev.lastseen.app.config.HttpExposure;
import dev.lastseen.app.http.HttpServer;
import dev.lastseen.applier.ApplierConfig;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.DatabaseConfig;
import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.config.RegistryConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests of {@code lastseen apply} (ops/k8s/apply), checked against the applier's
 * real configuration loader, the HTTP server that serves its probes, and each other.
 */
class ApplyManifestsTest {
    static final Path DIR = Manifests.DIR.resolve("apply");
    static final String POD = "lastseen-apply-1";

    static Manifests manifests;
    static JsonNode statefulSet;
    static JsonNode pod;
    static JsonNode container;
    static Properties properties;
    static Map<String, String> env;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        manifests = Manifests.load(DIR);
        statefulSet = manifests.one("StatefulSet");
        pod = statefulSet.path("spec").path("template");
        assertThat(pod.path("spec").path("containers")).hasSize(1);
        container = pod.path("spec").path("containers").get(0);
        properties = new Properties();
        properties.load(new StringReader(manifests
                .one("ConfigMap")
                .path("data")
                .path(Path.of(configFile()).getFileName().toString())
                .asText()));
        env = new LinkedHashMap<>();
        for (JsonNode var : container.path("env")) {
            String field =
                    var.path("valueFrom").path("fieldRef").path("fieldPath").asText();
            env.put(
                    var.path("name").asText(),
                    var.has("value") ? var.path("value").asText() : field.equals("metadata.name") ? POD : field);
        }
    }

    /** The --config argument. */
    static String configFile() {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).startsWith("apply", "--config");
        return args.get(2);
    }

    static String mountPathOf(String volumeKind, String sourceName) {
        String volume = null;
        for (JsonNode v : pod.path("spec").path("volumes")) {
            JsonNode source = v.path(volumeKind);
            if (v.has(volumeKind)
                    && (source.path("name").asText().equals(sourceName)
                            || source.path("secretName").asText().equals(sourceName))) {
                volume = v.path("name").asText();
            }
        }
        assertThat(volume).as("a " + volumeKind + " volume of " + sourceName).isNotNull();
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("name").asText().equals(volume)) {
                return m.path("mountPath").asText();
            }
        }
        throw new AssertionError("volume " + volume + " is not mounted");
    }

    static int managementPort() {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals("management")) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no port named management");
    }

    @Test
    void everyKeyAndVariableIsOneTheApplierReads() {
        Set<String> keys = new TreeSet<>(ApplierConfigLoader.DEFINITION.names());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(ProducerConfig.configNames());
        Set<String> variables = new TreeSet<>();
        keys.forEach(k -> variables.add(ApplierConfigLoader.envName(k)));
        variables.add("JDK_JAVA_OPTIONS");
        assertThat(properties.stringPropertyNames())
                .allSatisfy(k -> assertThat(keys.contains(k) || k.startsWith(DatabaseConfig.JDBC_PROPERTY_PREFIX))
                        .as(k)
                        .isTrue());
        assertThat(env.keySet()).allSatisfy(n -> assertThat(variables).contains(n));
    }

    @Test
    void theDeployedConfigurationLoadsWithThePodNameAsGroupMemberAndThePasswordFromTheSecretFile() throws IOException {
        String passwordFile = properties.getProperty(DatabaseConfig.JDBC_PASSWORD_FILE);
        String secretMount = mountPathOf("secret", "lastseen-apply-db");
        assertThat(passwordFile).isEqualTo(secretMount + "/password");
        assertThat(Manifests.textMap(manifests.one("Secret").path("stringData")))
                .containsOnlyKeys("password");
        assertThat(Path.of(configFile()).getParent().toString())
                .isEqualTo(mountPathOf("configMap", "lastseen-apply-config"));

        // The file as mounted, with the password file of this test in place of the Secret's.
        Properties deployed = new Properties();
        deployed.putAll(properties);
        Path password = Files.writeString(tmp.resolve("password"), "from-the-secret\n");
        deployed.setProperty(DatabaseConfig.JDBC_PASSWORD_FILE, password.toString());
        Path file = tmp.resolve("apply.properties");
        try (var out = Files.newBufferedWriter(file)) {
            deployed.store(out, null);
        }
        ApplierConfig config = ApplierConfigLoader.load(file, env);

        assertThat(config.identity().instanceId()).isEqualTo(POD);
        assertThat(config.http().port()).isEqualTo(managementPort());
        assertThat(config.database().password()).isEqualTo("from-the-secret");
    }

    @Test
    void noPasswordOutsideTheSecret() {
        assertThat(properties.stringPropertyNames())
                .doesNotContain(DatabaseConfig.JDBC_PASSWORD, DatabaseConfig.MIGRATE_PASSWORD);
        assertThat(env)
                .doesNotContainKeys(
                        ApplierConfigLoader.envName(DatabaseConfig.JDBC_PASSWORD),
                        ApplierConfigLoader.envName(DatabaseConfig.MIGRATE_PASSWORD));
        assertThat(container.has("envFrom")).isFalse();
    }

    @Test
    void probesAndScrapeUseTheManagementPortAndRoutesTheHttpServerServes() throws Exception {
        Map<String, String> paths = new LinkedHashMap<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe).isEqualTo("management");
            paths.put(probe, get.path("path").asText());
        }
        JsonNode annotations = pod.path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(managementPort()));
        assertThat(manifests
                        .one("Service")
                        .path("spec")
                        .path("ports")
                        .get(0)
                        .path("targetPort")
                        .asText())
                .isEqualTo("management");

        try (HttpServer http = HttpServer.start(
                new HttpServerSettings("127.0.0.1", 0).withPorts(0, 0),
                HttpExposure.SINGLE_PORT, // as the applier's server
                "manifest-test:0",
                new Readiness(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                routes -> {})) {
            HttpClient client = HttpClient.newHttpClient();
            java.util.function.Function<String, Integer> status = path -> {
                try {
                    return client.send(
                                    HttpRequest.newBuilder(
                                                    URI.create("http://127.0.0.1:" + http.managementPort() + path))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(status.apply("/no-such-route")).as("control").isEqualTo(404);
            paths.values().forEach(p -> assertThat(status.apply(p)).as(p).isEqualTo(503)); // not started: not live
            assertThat(status.apply(annotations.path("prometheus.io/path").asText()))
                    .isEqualTo(200);
        }
    }

    @Test
    void pdbServiceAndNetworkPolicySelectExactlyTheAppliersPods() {
        JsonNode labels = pod.path("metadata").path("labels");
        assertThat(statefulSet.path("spec").path("selector").path("matchLabels"))
                .isEqualTo(labels);
        assertThat(manifests
                        .one("PodDisruptionBudget")
                        .path("spec")
                        .path("selector")
                        .path("matchLabels"))
                .isEqualTo(labels);
        assertThat(manifests
                        .one("PodDisruptionBudget")
                        .path("spec")
                        .path("maxUnavailable")
                        .asInt())
                .isEqualTo(1);
        assertThat(manifests.one("Service").path("spec").path("selector")).isEqualTo(labels);
        assertThat(statefulSet.path("spec").path("serviceName").asText())
                .isEqualTo(
                        manifests.one("Service").path("metadata").path("name").asText());
        assertThat(manifests
                        .one("NetworkPolicy")
                        .path("spec")
                        .path("podSelector")
                        .path("matchLabels"))
                .isEqualTo(labels);
    }

    @Test
    void theNetworkPolicyLetsInTheManagementPortOnlyAndOutTheBrokerRegistryAndDatabase() {
        JsonNode spec = manifests.one("NetworkPolicy").path("spec");
        Set<Integer> in = new TreeSet<>();
        spec.path("ingress")
                .forEach(r -> r.path("ports").forEach(p -> in.add(p.path("port").asInt())));
        assertThat(in).containsExactly(managementPort());
        Set<Integer> out = new TreeSet<>();
        spec.path("egress")
                .forEach(
                        r -> r.path("ports").forEach(p -> out.add(p.path("port").asInt())));
        assertThat(out)
                .contains(53)
                .contains(port(properties.getProperty("bootstrap.servers")))
                .contains(port(properties.getProperty(RegistryConfig.URL)))
                .contains(port(properties.getProperty(DatabaseConfig.JDBC_URL)));
    }

    private static int port(String address) {
        Matcher m = Pattern.compile(":(\\d+)(/|$)").matcher(address);
        assertThat(m.find()).as("a port in " + address).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void itRunsAsNonRootOnAReadOnlyRootWithBoundedResources() {
        JsonNode podSecurity = pod.path("spec").path("securityContext");
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode security = container.path("securityContext");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(security.path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
        assertThat(mountPathOf("emptyDir", "")).isEqualTo("/tmp");

        JsonNode resources = container.path("resources");
        assertThat(resources.path("requests").has("cpu")).isTrue();
        long limit = mebibytes(resources.path("limits").path("memory").asText());
        assertThat(mebibytes(resources.path("requests").path("memory").asText()))
                .isEqualTo(limit);
        Matcher heap = Pattern.compile("-Xmx(\\d+)m").matcher(env.get("JDK_JAVA_OPTIONS"));
        assertThat(heap.find()).isTrue();
        assertThat(limit)
                .as("limit covers heap + 256 MiB of JVM overhead")
                .isGreaterThanOrEqualTo(Long.parseLong(heap.group(1)) + 256);
    }

    private static long mebibytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.replace("Gi", "")) * 1024;
        }
        return Long.parseLong(quantity.replace("Mi", ""));
    }

    @Test
    void kustomizationAppliesEveryManifestButTheSecretExample() throws IOException {
        JsonNode kustomization =
                Manifests.YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        Set<String> resources = new TreeSet<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        Set<String> files = new TreeSet<>(manifests.byFile.keySet());
        files.removeAll(Set.of("kustomization.yaml", "secret.example.yaml"));
        assertThat(resources).isEqualTo(files);
        String image = container.path("image").asText();
        assertThat(image.substring(0, image.indexOf(':')))
                .isEqualTo(kustomization.path("images").get(0).path("name").asText());
    }
}
