package dev.lastseen.devtools.traffic;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroSerializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes through the project's own wire-format serializers (registering the schemas in the
 * registry on first use), one producer per record type, batching for throughput.
 */
public final class KafkaTrafficSink implements TrafficSink {
    private final KafkaProducer<String, ServiceToken> tokens;
    private final KafkaProducer<String, LoginEvent> logins;
    private final String registryTopic;
    private final String loginTopic;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final Callback callback = (metadata, e) -> {
        if (e == null) {
            acked.incrementAndGet();
        } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    };

    /**
     * @param compression producer compression type (none, gzip, snappy, lz4, zstd)
     * @param acks        producer acks (all, 1, 0)
     */
    public KafkaTrafficSink(
            String bootstrapServers,
            SchemaRegistryClient registry,
            String registryTopic,
            String loginTopic,
            String compression,
            String acks) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(60).toMillis());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "lastseen-loadgen");
        this.tokens = new KafkaProducer<>(
                props, new StringSerializer(), new SpecificAvroSerializer<>(registry, ServiceToken.class, true));
        try {
            this.logins = new KafkaProducer<>(
                    props, new StringSerializer(), new SpecificAvroSerializer<>(registry, LoginEvent.class, true));
        } catch (RuntimeException e) {
            tokens.close();
            throw e;
        }
        this.registryTopic = registryTopic;
        this.loginTopic = loginTopic;
    }

    @Override
    public void registry(String tokenId, ServiceToken token) {
        tokens.send(new ProducerRecord<>(registryTopic, tokenId, token), callback);
    }

    @Override
    public void login(String accountId, LoginEvent event) {
        logins.send(new ProducerRecord<>(loginTopic, accountId, event), callback);
    }

    @Override
    public void flush() {
        tokens.flush();
        logins.flush();
    }

    @Override
    public long acked() {
        return acked.get();
    }

    @Override
    public long failed() {
        return failed.get();
    }

    @Override
    public String firstFailure() {
        return firstFailure.get();
    }

    @Override
    public void close() {
        tokens.close(Duration.ofSeconds(30));
        logins.close(Duration.ofSeconds(30));
    }
}
