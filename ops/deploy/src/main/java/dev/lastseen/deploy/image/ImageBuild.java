package dev.lastseen.deploy.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Builds lastseen's OCI image as a tarball, with no Docker daemon and no registry: the image
 * starts from scratch, so nothing is pulled. Layers, from the least to the most often changed:
 * <ol>
 *   <li>system: the shared libraries the runtime and the jar's native code need (from this
 *       machine, found with ldd), /etc/passwd and /etc/group with the lastseen user, /tmp, and
 *       the state directory owned by that user;</li>
 *   <li>java-runtime: a jlink'd runtime of the build JDK under /opt/java;</li>
 *   <li>config: the default /etc/lastseen/lastseen.properties (everything else via LASTSEEN_* env);</li>
 *   <li>application: /app/lastseen.jar, the runnable jar.</li>
 * </ol>
 * Layer timestamps and the creation time are fixed, so the same inputs give the same layers.
 * Usage: {@code ImageBuild --jar=F --properties=F --jdk=DIR --work=DIR --out=F --reference=NAME:TAG --version=V}.
 */
public final class ImageBuild {
    /** Native libraries in the jar that a glibc x86-64 JVM would unpack and load. */
    private static final Pattern LINUX_X64_NATIVE =
            Pattern.compile("(?i)(?=.*linux)(?=.*(amd64|x86_64|x86-64|linux64))(?!.*musl).*\\.so");

    private static final String OWNER = ImageSpec.UID + ":" + ImageSpec.GID;

    private ImageBuild() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        long started = System.nanoTime();
        JibContainer image = build(
                Path.of(a.get("jar")),
                Path.of(a.get("properties")),
                Path.of(a.get("jdk")),
                Path.of(a.get("work")),
                Path.of(a.get("out")),
                a.get("reference"),
                a.get("version"));
        System.out.printf(
                Locale.ROOT,
                "lastseen image %s written to %s (%d MiB) in %.1f s; digest %s%n",
                a.get("reference"),
                a.get("out"),
                Files.size(Path.of(a.get("out"))) >> 20,
                (System.nanoTime() - started) / 1e9,
                image.getDigest());
    }

    static JibContainer build(
            Path jar, Path properties, Path jdk, Path work, Path out, String reference, String version)
            throws Exception {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException(
                    "The image is built from this machine's Java runtime and shared libraries, so it must be"
                            + " built on Linux x86-64 (this is " + System.getProperty("os.name") + "/" + arch + ").");
        }
        for (Path input : List.of(jar, properties)) {
            if (!Files.isRegularFile(input)) {
                throw new IllegalStateException("Missing image input " + input
                        + (input.equals(jar) ? ": build the runnable jar first (mvn -pl stream-app -am package)" : ""));
            }
        }
        Files.createDirectories(work);
        Path runtime = Jlink.link(jdk, ImageSpec.JAVA_MODULES, work.resolve("runtime"));
        Path natives = extractNatives(jar, work.resolve("natives"));

        List<Path> elfs = new ArrayList<>(SharedLibraries.elfFilesUnder(runtime));
        elfs.addAll(SharedLibraries.elfFilesUnder(natives));
        Map<String, Path> libraries = SharedLibraries.closure(elfs, SharedLibraries.namesUnder(runtime));

        Path etc = writeEtc(work.resolve("etc"));
        Path emptyDir = Files.createDirectories(work.resolve("empty"));

        FileEntriesLayer.Builder system = FileEntriesLayer.builder().setName("system");
        for (Map.Entry<String, Path> lib : libraries.entrySet()) {
            system.addEntry(lib.getValue(), AbsoluteUnixPath.get(lib.getKey()), FilePermissions.fromOctalString("755"));
        }
        for (String file : List.of("passwd", "group", "nsswitch.conf")) {
            system.addEntry(
                    etc.resolve(file), AbsoluteUnixPath.get("/etc/" + file), FilePermissions.fromOctalString("644"));
        }
        // Any user may unpack native code to /tmp (the OCI layer format has no sticky bit to add;
        // one process runs here). In Kubernetes an emptyDir is mounted over it.
        system.addEntry(
                emptyDir,
                AbsoluteUnixPath.get(ImageSpec.TMP_DIR),
                FilePermissions.fromOctalString("777"),
                FileEntriesLayer.DEFAULT_MODIFICATION_TIME);
        system.addEntry(
                emptyDir,
                AbsoluteUnixPath.get(ImageSpec.STATE_DIR),
                FilePermissions.fromOctalString("750"),
                FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
                OWNER);

        FileEntriesLayer javaRuntime = FileEntriesLayer.builder()
                .setName("java-runtime")
                .addEntryRecursive(
                        runtime, AbsoluteUnixPath.get(ImageSpec.JAVA_HOME), (source, target) -> permissionsOf(source))
                .build();
        FileEntriesLayer config = FileEntriesLayer.builder()
                .setName("config")
                .addEntry(
                        properties, AbsoluteUnixPath.get(ImageSpec.CONFIG_FILE), FilePermissions.fromOctalString("644"))
                .build();
        FileEntriesLayer application = FileEntriesLayer.builder()
                .setName("application")
                .addEntry(jar, AbsoluteUnixPath.get(ImageSpec.JAR), FilePermissions.fromOctalString("644"))
                .build();

        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", ImageSpec.JAVA_HOME);
        env.put("PATH", ImageSpec.JAVA_HOME + "/bin");
        env.put("LANG", "C.UTF-8");
        // glibc's per-thread malloc arenas otherwise grow RSS well past heap + RocksDB's bound.
        env.put("MALLOC_ARENA_MAX", "2");

        JibContainerBuilder builder = Jib.fromScratch()
                .setFormat(ImageFormat.OCI)
                .setFileEntriesLayers(system.build(), javaRuntime, config, application)
                .setEntrypoint(ImageSpec.ENTRYPOINT)
                .setProgramArguments(ImageSpec.COMMAND)
                .setEnvironment(env)
                .setUser(OWNER)
                .setWorkingDirectory(AbsoluteUnixPath.get(ImageSpec.STATE_DIR))
                .addVolume(AbsoluteUnixPath.get(ImageSpec.STATE_DIR))
                .addExposedPort(Port.tcp(ImageSpec.HTTP_PORT))
                .addLabel("org.opencontainers.image.title", "lastseen")
                .addLabel("org.opencontainers.image.description", "Per-token last-seen tracking on Kafka Streams")
                .addLabel("org.opencontainers.image.version", version);

        Files.createDirectories(out.toAbsolutePath().getParent());
        Containerizer to = Containerizer.to(TarImage.at(out).named(reference))
                .setOfflineMode(true)
                .setToolName("lastseen-image-build")
                .setBaseImageLayersCache(work.resolve("cache/base"))
                .setApplicationLayersCache(work.resolve("cache/application"))
                .addEventHandler(LogEvent.class, e -> {
                    if (e.getLevel() == LogEvent.Level.ERROR || e.getLevel() == LogEvent.Level.WARN) {
                        System.err.println("jib: " + e.getMessage());
                    }
                });
        JibContainer image = builder.containerize(to);
        // The staged runtime and Jib's layer cache are as large as the image itself: keep only the tarball.
        Processes.deleteRecursively(work);
        return image;
    }

    private static FilePermissions permissionsOf(Path source) {
        try {
            return FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(source));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Unpacks the jar's glibc x86-64 native libraries, so ldd can tell what they link against. */
    static Path extractNatives(Path jar, Path dir) throws IOException {
        Processes.deleteRecursively(dir);
        Files.createDirectories(dir);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.isDirectory() && LINUX_X64_NATIVE.matcher(e.getName()).matches()) {
                    Path target = dir.resolve(e.getName().replace('/', '_'));
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return dir;
    }

    private static Path writeEtc(Path dir) throws IOException {
        Files.createDirectories(dir);
        // getpwuid() must know the user: the JVM takes user.name and user.home from it.
        Files.writeString(
                dir.resolve("passwd"),
                "root:x:0:0:root:/root:/sbin/nologin\n" + ImageSpec.USER + ":x:" + ImageSpec.UID + ":" + ImageSpec.GID
                        + ":lastseen:" + ImageSpec.STATE_DIR + ":/sbin/nologin\n",
                StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("group"),
                "root:x:0:\n" + ImageSpec.USER + ":x:" + ImageSpec.GID + ":\n",
                StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("nsswitch.conf"),
                "passwd: files\ngroup: files\nhosts: files dns\n",
                StandardCharsets.UTF_8);
        return dir;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("Arguments are --name=value, got: " + arg);
            }
            a.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        for (String required : List.of("jar", "properties", "jdk", "work", "out", "reference", "version")) {
            if (!a.containsKey(required)) {
                throw new IllegalArgumentException("Missing --" + required + "=...");
            }
        }
        return a;
    }
}
