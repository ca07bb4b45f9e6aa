package dev.lastseen.bench;

import dev.lastseen.app.config.InputBounds;
import dev.lastseen.app.topology.LoginEventValidator;
import dev.lastseen.app.topology.ValidatingDeserializer;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.SpecificAvroSerializer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The login topic's full read path as the topology wires it: size bound, wire decode, then
 * field validation (in this package because the deserializer is package-private).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ValidatingDeserializerBenchmark {
    private static final String TOPIC = TopicNames.LOGIN_EVENTS;
    private static final int SAMPLES = 1 << 16;
    private ValidatingDeserializer<LoginEvent> deserializer;
    private byte[][] payloads;
    private int i;

    @Setup
    public void setUp() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        SpecificAvroSerializer<LoginEvent> serializer = new SpecificAvroSerializer<>(registry, LoginEvent.class, true);
        SyntheticTraffic traffic = new SyntheticTraffic(
                new SyntheticTraffic.Settings(1_000, 1_000_000, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 42));
        Instant now = Instant.now();
        payloads = new byte[SAMPLES][];
        for (int k = 0; k < SAMPLES; k++) {
            payloads[k] = serializer.serialize(TOPIC, traffic.next(now));
        }
        deserializer = new ValidatingDeserializer<>(
                new SpecificAvroDeserializer<>(registry, LoginEvent.class),
                new LoginEventValidator(InputBounds.DEFAULTS, Clock.systemUTC(), Duration.ofMinutes(5)),
                InputBounds.DEFAULTS.maxRecordBytes(),
                false);
    }

    @Benchmark
    public LoginEvent decodeAndValidateLoginEvent() {
        return deserializer.deserialize(TOPIC, payloads[i++ & (SAMPLES - 1)]);
    }
}
