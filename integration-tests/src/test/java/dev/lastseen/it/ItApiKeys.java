package dev.lastseen.it;

import dev.lastseen.app.access.KeyDigest;
import dev.lastseen.app.config.ApiAccessConfig;
import dev.lastseen.app.config.PeerAuthConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The API key settings of an instance under test: a key file that gives the test's key every
 * account, over plain HTTP on loopback (the development flag, said in so many words), and, for
 * instances that forward queries to each other, forwarding to loopback only.
 */
public final class ItApiKeys {
    private ItApiKeys() {}

    /** Writes {@code dir/api-keys} (the key's digest, every account) and returns the settings that use it. */
    public static Map<String, String> plainHttp(Path dir, String apiKey) {
        try {
            Files.createDirectories(dir);
            Path file = Files.writeString(dir.resolve("api-keys"), KeyDigest.written(apiKey) + " *\n");
            return Map.of(ApiAccessConfig.KEY_FILE, file.toString(), PeerAuthConfig.DEV_PLAIN_HTTP, "true");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forwarding between instances on loopback only. */
    public static final Map<String, String> FORWARD_TO_LOOPBACK =
            Map.of(PeerAuthConfig.FORWARD_ALLOWED_HOSTS, "127\\.0\\.0\\.1");
}
