package dev.lastseen.deploy.image;

import java.util.List;

/**
 * What the image promises to its runtime (Kubernetes, docker, podman): paths, user, port,
 * command. The Kubernetes manifests in ops/k8s rely on exactly these; the tests check both.
 */
final class ImageSpec {
    static final String JAVA_HOME = "/opt/java";
    static final String JAR = "/app/lastseen.jar";
    static final String CONFIG_FILE = "/etc/lastseen/lastseen.properties";
    /** Kafka Streams' state.dir (set in the image's properties file) and the image's volume. */
    static final String STATE_DIR = "/var/lib/lastseen";
    /** Where the JVM and native libraries (RocksDB, zstd, lz4, snappy) unpack themselves. */
    static final String TMP_DIR = "/tmp";

    static final int UID = 10001;
    static final int GID = 10001;
    static final String USER = "lastseen";
    /** lastseen.http.port's default: REST API, /healthz, /readyz, /metrics. */
    static final int HTTP_PORT = 7070;

    /**
     * The JVM starts the runnable jar directly (the image has no shell). Heap and other JVM
     * flags come from JDK_JAVA_OPTIONS, which the java launcher reads, so they are set per
     * deployment without rebuilding the image.
     */
    static final List<String> ENTRYPOINT = List.of(
            JAVA_HOME + "/bin/java",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8",
            "-jar",
            JAR);
    /** Default arguments; `docker run IMAGE --help` replaces them. */
    static final List<String> COMMAND = List.of("run", "--config", CONFIG_FILE);

    /**
     * Modules of the runtime: those jdeps finds in lastseen.jar (java.base, java.compiler,
     * java.desktop, java.instrument, java.naming, java.net.http, java.rmi, java.scripting,
     * java.security.jgss, java.security.sasl, java.sql, jdk.management, jdk.unsupported) plus what
     * is loaded by name or service lookup rather than linked: logging and JMX, XML (logback's
     * configuration), TLS elliptic curves, DNS, Kerberos/SASL login modules, zip file systems,
     * JFR, and jcmd for thread and heap dumps in a running pod.
     *
     * <p>Re-derive after dependency changes with
     * {@code jdeps --ignore-missing-deps --multi-release 21 --print-module-deps stream-app/target/lastseen.jar}.
     */
    static final List<String> JAVA_MODULES = List.of(
            "java.base",
            "java.compiler",
            "java.desktop",
            "java.instrument",
            "java.logging",
            "java.management",
            "java.naming",
            "java.net.http",
            "java.rmi",
            "java.scripting",
            "java.security.jgss",
            "java.security.sasl",
            "java.sql",
            "java.xml",
            "jdk.crypto.ec",
            "jdk.jcmd",
            "jdk.jfr",
            "jdk.management",
            "jdk.naming.dns",
            "jdk.security.auth",
            "jdk.unsupported",
            "jdk.zipfs");

    /**
     * Native parts of java.desktop that only a display, a sound card or font rendering would
     * load; dropping them keeps X11, ALSA, freetype and harfbuzz out of the image. The service
     * runs headless; java.desktop is there for java.beans.
     */
    static final List<String> DROPPED_RUNTIME_LIBRARIES =
            List.of("libawt_xawt.so", "libjawt.so", "libsplashscreen.so", "libjsound.so", "libfontmanager.so");

    private ImageSpec() {}
}
