package dev.lastseen.devtools.demo;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroSerializer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes the synthetic fleet's registry records, then a steady stream of logins. */
final class TrafficProducer implements AutoCloseable {
    private final KafkaProducer<String, ServiceToken> tokens;
    private final KafkaProducer<String, LoginEvent> logins;
    private final TopicNames topics;
    private final AtomicLong produced = new AtomicLong();
    private volatile boolean running = true;

    TrafficProducer(String bootstrap, SchemaRegistryClient registry, TopicNames topics) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.ACKS_CONFIG,
                "all");
        this.tokens = new KafkaProducer<>(
                props, new StringSerializer(), new SpecificAvroSerializer<>(registry, ServiceToken.class, true));
        this.logins = new KafkaProducer<>(
                props, new StringSerializer(), new SpecificAvroSerializer<>(registry, LoginEvent.class, true));
        this.topics = topics;
    }

    void publishRegistry(SyntheticTraffic traffic) {
        Instant created = Instant.now().minusSeconds(86_400 * 30);
        for (SyntheticTraffic.Token t : traffic.tokens()) {
            tokens.send(new ProducerRecord<>(topics.serviceTokens(), t.tokenId(), traffic.registryRecord(t, created)));
        }
        tokens.flush();
    }

    /** Produces about {@code perSecond} logins a second until closed. */
    void run(SyntheticTraffic traffic, int perSecond) throws InterruptedException {
        long intervalNanos = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        while (running) {
            LoginEvent e = traffic.next(Instant.now());
            logins.send(new ProducerRecord<>(topics.loginEvents(), e.getAccountId(), e));
            produced.incrementAndGet();
            next += intervalNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(
                        sleep / 1_000_000, (int) (sleep % 1_000_000)); // pacing a load generator, not waiting on state
            }
        }
    }

    long produced() {
        return produced.get();
    }

    @Override
    public void close() {
        running = false;
        tokens.close();
        logins.close();
    }
}
