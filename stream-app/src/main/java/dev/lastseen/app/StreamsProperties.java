package dev.lastseen.app;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.errors.DeadLetterHandler;
import dev.lastseen.app.errors.DeadLetterRouter;
import dev.lastseen.app.errors.ProcessingFailureHandler;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.topology.LastseenTopology;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties an instance runs with: configuration plus lastseen's error handling. */
public final class StreamsProperties {
    private StreamsProperties() {}

    public static Properties of(LastseenConfig config, LastseenMetrics metrics) {
        Properties p = new Properties();
        p.putAll(config.streams());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingFailureHandler.class);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        // Handlers are instantiated by Kafka Streams; the metrics instance reaches them through the config map.
        p.put(LastseenMetrics.STREAMS_CONFIG_KEY, metrics);
        // Dead letters from the login topics keep their bytes (no secret can be in them); all others are withheld.
        String applicationId = String.valueOf(config.streams().get(StreamsConfig.APPLICATION_ID_CONFIG));
        p.put(
                DeadLetterRouter.VALUE_KEEPING_TOPICS_CONFIG,
                List.of(config.topics().loginEvents(), LastseenTopology.loginRepartitionTopic(applicationId)));
        return p;
    }
}
