package dev.lastseen.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** A keystore or truststore file. The password never reaches a log line. */
public record KeyStoreFile(String path, String password, String type) {
    public KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /**
     * The configured store, or null when {@code pathKey} is unset; loaded once here so that a wrong
     * path, type or password fails start-up.
     *
     * @param withKey whether the store must hold a private key (a server's), else a certificate to trust
     */
    public static KeyStoreFile from(
            AbstractConfig c, String pathKey, String passwordKey, String typeKey, boolean withKey) {
        String path = c.getString(pathKey);
        Password password = c.getPassword(passwordKey);
        if (path == null || path.isBlank()) {
            if (password != null) {
                throw new ConfigException(passwordKey, "[hidden]", "is set but " + pathKey + " is not");
            }
            return null;
        }
        KeyStoreFile file = new KeyStoreFile(
                path.trim(),
                password == null ? "" : password.value(),
                c.getString(typeKey).trim());
        try {
            KeyStore store = file.load();
            if (withKey && !hasPrivateKey(store)) {
                throw new ConfigException(
                        pathKey, path, "holds no private key (a TLS server needs its key and certificate)");
            }
            if (!withKey && store.size() == 0) {
                throw new ConfigException(pathKey, path, "holds no certificate to trust");
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    pathKey,
                    path,
                    "cannot be read as a " + file.type() + " store with " + passwordKey + ": " + e.getMessage());
        }
        return file;
    }

    private static boolean hasPrivateKey(KeyStore store) throws KeyStoreException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "KeyStoreFile[path=" + path + ", type=" + type + "]";
    }
}
