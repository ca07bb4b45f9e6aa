package dev.lastseen.app.config;

import dev.lastseen.contract.TopicNames;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;

/** The topics {@code lastseen run} reads and writes; their default names are {@link TopicNames}'. */
public final class TopicsConfig {
    public static final String LOGIN_EVENTS = "lastseen.topic.login-events";
    public static final String SERVICE_TOKENS = "lastseen.topic.service-tokens";
    public static final String TOKEN_LAST_SEEN = "lastseen.topic.token-last-seen";
    public static final String AUTH_FAILURE_ALERTS = "lastseen.topic.auth-failure-alerts";
    public static final String DLQ = "lastseen.topic.dlq";

    private TopicsConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        LOGIN_EVENTS,
                        ConfigDef.Type.STRING,
                        TopicNames.LOGIN_EVENTS,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Input topic of LoginEvent records.")
                .define(
                        SERVICE_TOKENS,
                        ConfigDef.Type.STRING,
                        TopicNames.SERVICE_TOKENS,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Input topic of ServiceToken records (compacted; never written by lastseen).")
                .define(
                        TOKEN_LAST_SEEN,
                        ConfigDef.Type.STRING,
                        TopicNames.TOKEN_LAST_SEEN,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Output topic of TokenLastSeen patches.")
                .define(
                        AUTH_FAILURE_ALERTS,
                        ConfigDef.Type.STRING,
                        TopicNames.AUTH_FAILURE_ALERTS,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Output topic of AuthFailureSpike alerts.")
                .define(
                        DLQ,
                        ConfigDef.Type.STRING,
                        TopicNames.DEAD_LETTER,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Dead-letter topic for rejected input records.");
    }

    public static TopicNames from(AbstractConfig c) {
        TopicNames topics = new TopicNames(
                c.getString(LOGIN_EVENTS),
                c.getString(SERVICE_TOKENS),
                c.getString(TOKEN_LAST_SEEN),
                c.getString(AUTH_FAILURE_ALERTS),
                c.getString(DLQ));
        if (topics.loginEvents().equals(topics.serviceTokens())) {
            throw new ConfigException(SERVICE_TOKENS, topics.serviceTokens(), "must differ from " + LOGIN_EVENTS);
        }
        return topics;
    }
}
