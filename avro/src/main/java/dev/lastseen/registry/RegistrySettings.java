package dev.lastseen.registry;

import dev.lastseen.common.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Settings of the registry client, validated when built. {@code baseUrl} is the registry's root,
 * possibly with a path prefix (e.g. {@code http://localhost:8080/apis/ccompat/v7}); credentials go
 * in {@code auth}, never in the URL. {@code readTimeout} bounds each attempt's wait for a complete
 * answer; {@code maxRetries} is the number of retries after the first attempt, waiting
 * {@link #backoff()} between them. {@code sslContext} verifies an {@code https} registry's
 * certificate; null means the JDK's trusted CAs.
 */
public record RegistrySettings(
        URI baseUrl,
        Duration connectTimeout,
        Duration readTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        RegistryAuth auth,
        SSLContext sslContext) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    public static final int MAX_RETRIES = 100;

    public RegistrySettings {
        baseUrl = checkBaseUrl(baseUrl);
        checkDuration("connectTimeout", connectTimeout, MAX_TIMEOUT);
        checkDuration("readTimeout", readTimeout, MAX_TIMEOUT);
        if (maxRetries < 0 || maxRetries > MAX_RETRIES) {
            throw new IllegalArgumentException(
                    "maxRetries must be between 0 and " + MAX_RETRIES + ", got " + maxRetries);
        }
        checkDuration("initialBackoff", initialBackoff, MAX_BACKOFF);
        checkDuration("maxBackoff", maxBackoff, MAX_BACKOFF);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff (" + maxBackoff + ") must not be less than initialBackoff (" + initialBackoff + ")");
        }
        if (auth == null) {
            throw new IllegalArgumentException("auth is required (use RegistryAuth.none())");
        }
    }

    /** Default settings, no authentication. */
    public static RegistrySettings of(String baseUrl) {
        return builder(baseUrl).build();
    }

    public static Builder builder(String baseUrl) {
        return new Builder().baseUrl(baseUrl);
    }

    public static Builder builder(URI baseUrl) {
        return new Builder().baseUrl(baseUrl);
    }

    /** Waits between retries: doubling from {@code initialBackoff} to {@code maxBackoff}, with jitter. */
    public Backoff backoff() {
        return Backoff.exponential(initialBackoff, maxBackoff).withJitter();
    }

    private static URI checkBaseUrl(URI url) {
        if (url == null) {
            throw new IllegalArgumentException("baseUrl is required");
        }
        // Checked first: the URL is echoed in no message, but a credential must not be kept either.
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("baseUrl must not contain credentials; configure auth instead");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("baseUrl must name a host");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or fragment");
        }
        String text = url.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private static void checkDuration(String field, Duration value, Duration max) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (value.toMillis() < 1 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be between 1ms and " + max + ", got " + value);
        }
    }

    /** Builds {@link RegistrySettings}; starts from the defaults. */
    public static final class Builder {
        private URI baseUrl;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private RegistryAuth auth = RegistryAuth.none();
        private SSLContext sslContext;

        private Builder() {}

        /** @throws IllegalArgumentException if it is not a URL (the text is not echoed: it may hold a credential) */
        public Builder baseUrl(String baseUrl) {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new IllegalArgumentException("baseUrl is required");
            }
            try {
                return baseUrl(new URI(baseUrl.trim()));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("baseUrl is not a valid URL");
            }
        }

        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        public Builder auth(RegistryAuth auth) {
            this.auth = auth;
            return this;
        }

        public Builder basicAuth(String username, String password) {
            return auth(RegistryAuth.basic(username, password));
        }

        public Builder bearerToken(String token) {
            return auth(RegistryAuth.bearer(token));
        }

        /** Verifies an https registry's certificate with this context instead of the JDK's trusted CAs. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /**
         * Trusts the certificates in the truststore file at {@code path}.
         *
         * @throws IllegalArgumentException when it cannot be read with this type and password, or holds no certificate
         */
        public Builder trustStore(Path path, String password, String type) {
            try (InputStream in = Files.newInputStream(path)) {
                KeyStore store = KeyStore.getInstance(type);
                store.load(in, password == null ? new char[0] : password.toCharArray());
                if (store.size() == 0) {
                    throw new IllegalArgumentException("truststore " + path + " holds no certificate to trust");
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, tmf.getTrustManagers(), null);
                return sslContext(context);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "truststore " + path + " cannot be read as a " + type + " store with its password: "
                                + e.getMessage(),
                        e);
            }
        }

        /** @throws IllegalArgumentException naming the first invalid field */
        public RegistrySettings build() {
            return new RegistrySettings(
                    baseUrl, connectTimeout, readTimeout, maxRetries, initialBackoff, maxBackoff, auth, sslContext);
        }
    }
}
