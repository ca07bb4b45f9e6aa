package dev.lastseen.app.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;

/**
 * How instances that forward queries to each other are kept honest: the hosts a query may be
 * forwarded to, and the rule that credentials (API keys, instance signatures) travel only over TLS,
 * forwarding with a configured truststore — plain HTTP only with the explicit development flag.
 */
public final class PeerAuthConfig {
    public static final String FORWARD_ALLOWED_HOSTS = "lastseen.query.forward.allowed.hosts";
    public static final String DEV_PLAIN_HTTP = "lastseen.dev.plain-http-credentials";

    private PeerAuthConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        FORWARD_ALLOWED_HOSTS,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.HIGH,
                        "Regular expression the host of an instance must match (whole) for a query to be forwarded to it,"
                                + " e.g. 'lastseen-[0-9]+\\.lastseen\\.prod\\.svc\\.cluster\\.local'; an address in group"
                                + " metadata (application.server) that does not match is never sent anything. Required"
                                + " with lastseen.query.forward.credential.")
                .define(
                        DEV_PLAIN_HTTP,
                        ConfigDef.Type.BOOLEAN,
                        false,
                        Importance.LOW,
                        "DEVELOPMENT ONLY: allow credentials over plain HTTP (the API without TLS): clients' API keys"
                                + " and instances' forwarded queries. Without it, an API key file or an instance credential"
                                + " with no lastseen.http.tls.keystore.path is refused at start-up: on plain HTTP anyone on"
                                + " the network path reads the keys, the queries and the answers.");
    }

    /**
     * The forwarding target pattern, or null without forwarding; refuses forwarding that would be
     * unauthenticated by TLS (plain HTTP without the flag, TLS trusting public CAs).
     */
    static Pattern forwardHosts(AbstractConfig c, boolean forwarding, boolean tls, boolean truststore) {
        String hosts = c.getString(FORWARD_ALLOWED_HOSTS);
        if (!forwarding) {
            return null;
        }
        if (hosts == null || hosts.isBlank()) {
            throw new ConfigException(
                    FORWARD_ALLOWED_HOSTS,
                    null,
                    "is required with " + QueryConfig.QUERY_FORWARD_CREDENTIAL
                            + ": the pattern of the instances' host names (queries go to no other address)");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(hosts);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(
                    FORWARD_ALLOWED_HOSTS, hosts, "is not a regular expression: " + e.getDescription());
        }
        if (tls && !truststore) {
            throw new ConfigException(
                    QueryConfig.QUERY_FORWARD_TRUSTSTORE_PATH,
                    null,
                    "is required when the API uses TLS and forwards queries: the instances' certificates are checked"
                            + " against it alone (public CAs are not trusted for instances)");
        }
        return pattern;
    }

    /**
     * Refuses credentials (API keys, the instance credential) on a plain-HTTP API unless the
     * development flag says so in as many words.
     */
    static void refusePlainHttpCredentials(AbstractConfig c, boolean tls, boolean apiKeys, boolean forwarding) {
        if (tls || c.getBoolean(DEV_PLAIN_HTTP) || !(apiKeys || forwarding)) {
            return;
        }
        String what = apiKeys && forwarding
                ? ApiAccessConfig.KEY_FILE + " and " + QueryConfig.QUERY_FORWARD_CREDENTIAL + " are"
                : (apiKeys ? ApiAccessConfig.KEY_FILE : QueryConfig.QUERY_FORWARD_CREDENTIAL) + " is";
        throw new ConfigException(what + " set but the API speaks plain HTTP: API keys, queries and answers would"
                + " cross the network in clear. Set " + HttpServerConfig.HTTP_TLS_KEYSTORE_PATH
                + (forwarding ? " and " + QueryConfig.QUERY_FORWARD_TRUSTSTORE_PATH : "")
                + ", or, for development only, " + DEV_PLAIN_HTTP + "=true");
    }

    /** Whether the development flag allows credentials over plain HTTP. */
    static boolean plainHttpCredentials(AbstractConfig c) {
        return c.getBoolean(DEV_PLAIN_HTTP);
    }
}
