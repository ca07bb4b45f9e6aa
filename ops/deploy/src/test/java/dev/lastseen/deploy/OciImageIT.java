package dev.lastseen.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.HttpServerConfig;
import dev.lastseen.app.config.LastseenConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OCI image tarball that the build wrote (ops/deploy's `image` profile), read as a runtime
 * reads it: its config (entrypoint, command, user, ports, volume) and its layers (the files the
 * entrypoint names are there, executable, with their ELF interpreter), and, where this machine
 * allows chroot in new namespaces, the entrypoint actually run from the unpacked layers.
 */
class OciImageIT {
    static final Path TARBALL = Path.of(System.getProperty("image.tar", "target/lastseen-image.tar"));
    static final Path WORK = Path.of("target/image-it");
    static OciImage image;
    static JsonNode container;
    static LastseenConfig imageDefaults;

    @BeforeAll
    static void open() throws IOException {
        assertThat(TARBALL)
                .as("image tarball (built by the image profile in the package phase)")
                .isRegularFile();
        deleteRecursively(WORK);
        image = OciImage.open(TARBALL, WORK);
        container = image.config.path("config");
        // The image's own properties file plus the two keys without defaults, through the application's ConfigLoader.
        imageDefaults = ConfigLoader.load(
                KubernetesManifestsTest.IMAGE_PROPERTIES,
                Map.of(
                        "LASTSEEN_BOOTSTRAP_SERVERS",
                        "kafka:9092",
                        "LASTSEEN_SCHEMA_REGISTRY_URL",
                        "http://registry:8081"));
    }

    /** The unpacked layout and root file system are twice the image's size. */
    @AfterAll
    static void cleanUp() throws IOException {
        deleteRecursively(WORK);
    }

    @Test
    void configStartsTheRunnableJarWithTheImagesConfigFileAsANonRootUser() {
        List<String> entrypoint = OciImage.strings(container.path("Entrypoint"));
        List<String> command = OciImage.strings(container.path("Cmd"));
        assertThat(entrypoint.get(0)).isEqualTo("/opt/java/bin/java");
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
                .containsExactly("-jar", "/app/lastseen.jar");
        assertThat(command).containsExactly("run", "--config", "/etc/lastseen/lastseen.properties");

        String user = container.path("User").asText();
        assertThat(user).isEqualTo("10001:10001");
        assertThat(image.config.path("os").asText()).isEqualTo("linux");
        assertThat(image.config.path("architecture").asText()).isEqualTo("amd64");
        assertThat(image.index
                        .path("manifests")
                        .get(0)
                        .path("annotations")
                        .path("org.opencontainers.image.ref.name")
                        .asText())
                .isEqualTo(System.getProperty("image.reference"));
    }

    @Test
    void exposesTheConfiguredHttpPortAndDeclaresTheStateDirAsVolume() {
        int httpPort = imageDefaults.http().port();
        assertThat(httpPort).isEqualTo(ConfigLoader.DEFINITION.defaultValues().get(HttpServerConfig.HTTP_PORT));
        List<String> ports = new ArrayList<>();
        container.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertThat(ports).containsExactly(httpPort + "/tcp");

        String stateDir = (String) imageDefaults.streams().get("state.dir");
        List<String> volumes = new ArrayList<>();
        container.path("Volumes").fieldNames().forEachRemaining(volumes::add);
        assertThat(volumes).containsExactly(stateDir);
        OciImage.Entry dir = image.entries.get(stateDir);
        assertThat(dir).isNotNull();
        assertThat(dir.directory()).isTrue();
        assertThat(dir.uid() + ":" + dir.gid())
                .as("state dir owner")
                .isEqualTo(container.path("User").asText());
    }

    @Test
    void layersHoldAnExecutableJavaItsElfInterpreterTheJarAndTheConfigFile() throws IOException {
        List<String> entrypoint = OciImage.strings(container.path("Entrypoint"));
        List<String> command = OciImage.strings(container.path("Cmd"));
        Path rootfs = unpacked();

        OciImage.Entry java = image.entries.get(entrypoint.get(0));
        assertThat(java).as("entrypoint binary in the layers").isNotNull();
        assertThat(java.mode() & 0111).as("java is executable").isNotZero();
        String interpreter = elfInterpreter(rootfs.resolve(entrypoint.get(0).substring(1)));
        assertThat(image.entries).as("ELF interpreter " + interpreter).containsKey(interpreter);

        String jar = entrypoint.get(entrypoint.indexOf("-jar") + 1);
        assertThat(image.entries).containsKey(jar);
        try (JarFile jarFile = new JarFile(rootfs.resolve(jar.substring(1)).toFile())) {
            assertThat(jarFile.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("dev.lastseen.app.cli.LastseenCommand");
            // The production jar is the product alone: no Kafka broker, no Scala, no developer tools.
            List<String> devOnly = jarFile.stream()
                    .map(JarEntry::getName)
                    .filter(name ->
                            (name.endsWith(".class") && (name.startsWith("kafka/") || name.startsWith("scala/")))
                                    || name.startsWith("dev/lastseen/devtools/"))
                    .limit(5)
                    .toList();
            assertThat(devOnly)
                    .as("broker, Scala or dev-tools classes in the production jar")
                    .isEmpty();
        }
        String configFile = command.get(command.indexOf("--config") + 1);
        assertThat(rootfs.resolve(configFile.substring(1)))
                .hasSameTextualContentAs(KubernetesManifestsTest.IMAGE_PROPERTIES);

        String uid = container.path("User").asText().split(":")[0];
        assertThat(Files.readAllLines(rootfs.resolve("etc/passwd")))
                .anySatisfy(line -> assertThat(line.split(":")[2]).isEqualTo(uid));
    }

    @Test
    void theStatefulSetRunsTheImageAsItsUser() throws IOException {
        Manifests manifests = Manifests.load();
        JsonNode pod =
                manifests.one("StatefulSet").path("spec").path("template").path("spec");
        String[] user = container.path("User").asText().split(":");
        assertThat(pod.path("securityContext").path("runAsUser").asText()).isEqualTo(user[0]);
        assertThat(pod.path("securityContext").path("runAsGroup").asText()).isEqualTo(user[1]);
        assertThat(pod.path("securityContext").path("fsGroup").asText()).isEqualTo(user[1]);
        // The manifest pins the image by digest (an overlay sets the pushed one); its repository is this image's.
        String reference = System.getProperty("image.reference");
        String repository = reference.substring(0, reference.lastIndexOf(':'));
        assertThat(pod.path("containers").get(0).path("image").asText())
                .matches(java.util.regex.Pattern.quote(repository) + "@sha256:[0-9a-f]{64}");
    }

    /**
     * Runs the image's entrypoint from its unpacked layers with chroot, in new mount and PID
     * namespaces (with /proc and /dev as a runtime provides them). Needs root or unprivileged
     * user namespaces; skipped otherwise.
     */
    @Test
    void entrypointRunsFromTheImagesOwnFilesystem() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/sbin/chroot")),
                "unshare and chroot available");
        assumeTrue(
                root
                        || exec(List.of("/usr/bin/unshare", "--map-root-user", "true"), Map.of())
                                        .exit()
                                == 0,
                "root or user namespaces");
        Path rootfs = unpacked();
        List<String> entrypoint = OciImage.strings(container.path("Entrypoint"));

        Result help = runInImage(rootfs, root, entrypoint, List.of("--help"), Map.of());
        assertThat(help.exit()).as(help.output()).isZero();
        // The production command: `run`; the developer tools (demo, loadgen) are not in the image.
        assertThat(help.output())
                .contains("Usage: lastseen")
                .contains("run")
                .doesNotContain("demo")
                .doesNotContain("loadgen");

        // The default command reads the image's config file and validates it with the
        // environment: without bootstrap servers it must stop with a message naming the key.
        Result run = runInImage(
                rootfs,
                root,
                entrypoint,
                OciImage.strings(container.path("Cmd")),
                Map.of("LASTSEEN_SCHEMA_REGISTRY_URL", "http://127.0.0.1:9"));
        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("bootstrap.servers").contains("LASTSEEN_BOOTSTRAP_SERVERS");
    }

    record Result(int exit, String output) {}

    private static Result runInImage(
            Path rootfs, boolean root, List<String> entrypoint, List<String> args, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        Map<String, String> env = new java.util.HashMap<>();
        container.path("Env").forEach(e -> {
            String[] kv = e.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        env.putAll(extraEnv);
        String r = rootfs.toAbsolutePath().toString();
        StringBuilder script = new StringBuilder("set -e; mount --bind /dev '" + r + "/dev'; mount -t proc proc '" + r
                + "/proc'; exec /usr/sbin/chroot ");
        if (root) {
            script.append("--userspec=").append(container.path("User").asText()).append(' ');
        }
        script.append("'").append(r).append("'");
        for (String a : entrypoint) {
            script.append(" '").append(a).append("'");
        }
        for (String a : args) {
            script.append(" '").append(a).append("'");
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork"));
        if (!root) {
            cmd.add("--map-root-user");
        }
        cmd.addAll(List.of("/bin/sh", "-c", script.toString()));
        return exec(cmd, env);
    }

    private static Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("PATH", env.getOrDefault("PATH", "") + ":/usr/bin:/bin:/usr/sbin:/sbin");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Path unpackedRoot;

    private static synchronized Path unpacked() throws IOException {
        if (unpackedRoot == null) {
            Path rootfs = Files.createDirectories(WORK.resolve("rootfs")).toAbsolutePath();
            image.unpack(rootfs, "root".equals(System.getProperty("user.name")));
            Files.createDirectories(rootfs.resolve("proc"));
            Files.createDirectories(rootfs.resolve("dev"));
            unpackedRoot = rootfs;
        }
        return unpackedRoot;
    }

    /** The PT_INTERP path of an ELF64 little-endian executable. */
    static String elfInterpreter(Path elf) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(elf)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).as("ELF magic").isEqualTo(0x464c457f);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            if (b.getInt(ph) == 3) { // PT_INTERP
                int offset = (int) b.getLong(ph + 8);
                int size = (int) b.getLong(ph + 32);
                return new String(b.array(), offset, size - 1, StandardCharsets.US_ASCII);
            }
        }
        throw new AssertionError(elf + " has no ELF interpreter (static?)");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
