package dev.lastseen.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * How the registry client authenticates, and which strings therefore must never appear in a
 * message or log line. {@code toString()} never shows a secret.
 */
public sealed interface RegistryAuth permits RegistryAuth.None, RegistryAuth.Basic, RegistryAuth.Bearer {
    /** Shown instead of a credential. */
    String REDACTED = "****";

    static RegistryAuth none() {
        return None.INSTANCE;
    }

    /** HTTP basic authentication ({@code user:password}, e.g. a Confluent Cloud API key and secret). */
    static RegistryAuth basic(String username, String password) {
        return new Basic(username, password);
    }

    /** A bearer token ({@code Authorization: Bearer <token>}). */
    static RegistryAuth bearer(String token) {
        return new Bearer(token);
    }

    /** The {@code Authorization} header to send, or null. */
    String authorizationHeader();

    /** Every form of the credential a registry could echo back: each is redacted from messages. */
    List<String> secrets();

    /** No authentication. */
    enum None implements RegistryAuth {
        INSTANCE;

        @Override
        public String authorizationHeader() {
            return null;
        }

        @Override
        public List<String> secrets() {
            return List.of();
        }

        @Override
        public String toString() {
            return "None";
        }
    }

    record Basic(String username, String password) implements RegistryAuth {
        public Basic {
            if (username == null || username.isEmpty()) {
                throw new IllegalArgumentException("auth.username must not be empty");
            }
            if (username.indexOf(':') >= 0 || hasControlCharacter(username)) {
                throw new IllegalArgumentException("auth.username must not contain ':' or control characters");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("auth.password must not be empty");
            }
            if (hasControlCharacter(password)) {
                throw new IllegalArgumentException("auth.password must not contain control characters");
            }
        }

        private String encoded() {
            return Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String authorizationHeader() {
            return "Basic " + encoded();
        }

        @Override
        public List<String> secrets() {
            return List.of(encoded(), password);
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=" + REDACTED + "]";
        }
    }

    record Bearer(String token) implements RegistryAuth {
        public Bearer {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("auth.token must not be blank");
            }
            if (token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException("auth.token must be visible ASCII without spaces");
            }
        }

        @Override
        public String authorizationHeader() {
            return "Bearer " + token;
        }

        @Override
        public List<String> secrets() {
            return List.of(token);
        }

        @Override
        public String toString() {
            return "Bearer[token=" + REDACTED + "]";
        }
    }

    private static boolean hasControlCharacter(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }
}
