package dev.lastseen.bench;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.serde.WireFormat;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
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

/** Confluent-wire-format Avro encode and decode of a LoginEvent: paid once per input record. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.lastseen.avro")
public class SerdeBenchmark {
    private static final String TOPIC = TopicNames.LOGIN_EVENTS;
    private SpecificAvroSerializer<LoginEvent> serializer;
    private SpecificAvroDeserializer<LoginEvent> deserializer;
    private LoginEvent[] events;
    private byte[][] payloads;
    private int i;
    /** Avro's own specific reader with its fast reader (enabled only for the exact SpecificData class): the reference point. */
    private SpecificDatumReader<LoginEvent> fastReader;

    private BinaryDecoder decoder;

    @Setup
    public void setUp() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        serializer = new SpecificAvroSerializer<>(registry, LoginEvent.class, true);
        deserializer = new SpecificAvroDeserializer<>(registry, LoginEvent.class);
        events = Fixtures.logins(1_000_000);
        payloads = new byte[events.length][];
        for (int k = 0; k < events.length; k++) {
            payloads[k] = serializer.serialize(TOPIC, events[k]);
        }
        SpecificData plain = new SpecificData();
        fastReader = new SpecificDatumReader<>(LoginEvent.getClassSchema(), LoginEvent.getClassSchema(), plain);
    }

    @Benchmark
    public byte[] encodeLoginEvent() {
        return serializer.serialize(TOPIC, events[i++ & (Fixtures.SAMPLES - 1)]);
    }

    @Benchmark
    public LoginEvent decodeLoginEvent() {
        return deserializer.deserialize(TOPIC, payloads[i++ & (Fixtures.SAMPLES - 1)]);
    }

    /**
     * The same payloads through Avro's fast reader (no header check, no trailing-bytes check): what
     * {@code SpecificAvroDeserializer} could reach if its reader model kept Avro's fast path.
     */
    @Benchmark
    public LoginEvent decodeLoginEventAvroFastReader() throws IOException {
        byte[] p = payloads[i++ & (Fixtures.SAMPLES - 1)];
        decoder = DecoderFactory.get()
                .binaryDecoder(p, WireFormat.HEADER_SIZE, p.length - WireFormat.HEADER_SIZE, decoder);
        return fastReader.read(null, decoder);
    }
}
