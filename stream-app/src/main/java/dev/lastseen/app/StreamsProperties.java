package dev.lastseen.app;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.errors.DeadLetterHandler;
import dev.lastseen.app.errors.DeadLetterLimit;
import dev.lastseen.app.errors.DeadLetterRouter;
import dev.lastseen.app.errors.ProcessingFailureHandler;
import dev.lastseen.app.errors.RecordRetries;
import dev.lastseen.app.errors.SinkFailureHandler;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.topology.LastseenTopology;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties an instance runs with: configuration plus lastseen's error handling. */
public final class StreamsProperties {
    private StreamsProperties() {}

    /**
     * With dead letters limited to what the producer can send by default ({@link DeadLetterLimit#of}
     * without the topic's own limit): for the topology test driver, which has no broker to ask.
     */
    public static Properties of(LastseenConfig config, LastseenMetrics metrics) {
        return of(
                config,
                metrics,
                new RecordRetries(config.resilience().recordMaxRetries()),
                DeadLetterLimit.of(Integer.MAX_VALUE, config.streams()));
    }

    /**
     * @param retries            the one retry ledger of this instance, shared by all its tasks and threads
     * @param deadLetterMaxBytes the largest dead letter the dead-letter topic and the producer take
     */
    public static Properties of(
            LastseenConfig config, LastseenMetrics metrics, RecordRetries retries, int deadLetterMaxBytes) {
        Properties p = new Properties();
        p.putAll(config.streams());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingFailureHandler.class);
        // Never Kafka's default: it would dead-letter a sink failure with the raw source bytes and a stack trace.
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SinkFailureHandler.class);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        // Handlers are instantiated by Kafka Streams; what they share reaches them through the config map.
        p.put(LastseenMetrics.STREAMS_CONFIG_KEY, metrics);
        p.put(RecordRetries.STREAMS_CONFIG_KEY, retries);
        p.put(DeadLetterLimit.STREAMS_CONFIG_KEY, deadLetterMaxBytes);
        // Dead letters from the login topics keep their bytes (no secret can be in them); all others are withheld.
        String applicationId = String.valueOf(config.streams().get(StreamsConfig.APPLICATION_ID_CONFIG));
        p.put(
                DeadLetterRouter.VALUE_KEEPING_TOPICS_CONFIG,
                List.of(config.topics().loginEvents(), LastseenTopology.loginRepartitionTopic(applicationId)));
        return p;
    }
}
