package dev.lastseen.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Kafka client keys both commands take besides their own: every key outside the {@code
 * lastseen.} namespace is a Kafka property (bootstrap servers, {@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}, ...), passed to the clients as given and validated by Kafka's own
 * config classes, whose errors name the key.
 */
public final class KafkaClientConfig {
    private KafkaClientConfig() {}

    /**
     * The client keys that may come from the environment: every consumer and producer key, so a
     * secured cluster is configurable from the environment, e.g. from a Kubernetes Secret.
     */
    public static List<String> environmentKeys() {
        List<String> keys = new ArrayList<>(ConsumerConfig.configNames());
        keys.addAll(ProducerConfig.configNames());
        return keys;
    }

    /** Refuses properties without bootstrap servers, naming the key and its environment variable. */
    public static void requireBootstrapServers(Map<String, ?> properties) {
        if (properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) == null) {
            throw new ConfigException(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    null,
                    "is required: the Kafka bootstrap servers (env "
                            + ConfigSources.envName(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + ")");
        }
    }
}
