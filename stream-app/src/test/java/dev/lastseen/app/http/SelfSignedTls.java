package dev.lastseen.app.http;

import dev.lastseen.config.KeyStoreFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A self-signed TLS key pair made at test time with the JDK's {@code keytool} (nothing
 * committed): a PKCS12 keystore with the key and a certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1}, and a truststore with that certificate. Register it as a
 * static extension; the files are deleted after the class.
 */
public final class SelfSignedTls implements BeforeAllCallback, AfterAllCallback {
    private final String password = "pw-" + UUID.randomUUID();
    private Path dir;
    private Path keystore;
    private Path truststore;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        create();
    }

    /** Makes the pair now (for use outside JUnit's lifecycle, e.g. in a static initializer). */
    public SelfSignedTls create() {
        if (dir != null) {
            return this;
        }
        try {
            dir = Files.createTempDirectory("lastseen-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keystore = dir.resolve("instance.p12");
        truststore = dir.resolve("trust.p12");
        Path cert = dir.resolve("instance.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "lastseen",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "lastseen",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "lastseen",
                "-file",
                cert.toString(),
                "-keystore",
                truststore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password);
        return this;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        dir = null;
    }

    public KeyStoreFile keystore() {
        return new KeyStoreFile(keystore.toString(), password, "PKCS12");
    }

    public KeyStoreFile truststore() {
        return new KeyStoreFile(truststore.toString(), password, "PKCS12");
    }

    public String password() {
        return password;
    }

    /** A client context that trusts this certificate (and nothing else). */
    public SSLContext clientContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(truststore().load());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
