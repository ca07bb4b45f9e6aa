package dev.lastseen.serde;

import static dev.lastseen.serde.TestPayloads.SUBJECT;
import static dev.lastseen.serde.TestPayloads.TOPIC;
import static dev.lastseen.serde.TestPayloads.fixture;
import static dev.lastseen.serde.TestPayloads.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.InMemorySchemaRegistry;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever bytes arrive, the deserializer returns a record or throws a
 * {@link WireFormatException}: never another exception, never a huge allocation.
 */
class GarbagePayloadPropertyTest {
    private static final byte[] VALID = fixture();

    private final SpecificAvroDeserializer<LoginEvent> deserializer;

    GarbagePayloadPropertyTest() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register(SUBJECT, LoginEvent.getClassSchema()); // id 1
        deserializer = new SpecificAvroDeserializer<>(registry, LoginEvent.class);
    }

    @Property(tries = 2000)
    void anyBodyAfterAValidHeaderDecodesOrIsAWireFormatError(@ForAll("bodies") byte[] body) {
        decodesOrFailsCleanly(payload(1, body));
    }

    @Property(tries = 2000)
    void anyPayloadAtAllDecodesOrIsAWireFormatError(@ForAll("bodies") byte[] payload) {
        decodesOrFailsCleanly(payload);
    }

    @Property(tries = 2000)
    void validPayloadWithCorruptedBodyBytesDecodesOrIsAWireFormatError(
            @ForAll("corruptions") List<Tuple.Tuple2<Integer, Byte>> corruptions) {
        byte[] payload = VALID.clone();
        for (Tuple.Tuple2<Integer, Byte> corruption : corruptions) {
            payload[corruption.get1()] = corruption.get2();
        }
        String outcome = decodesOrFailsCleanly(payload);
        Statistics.collect(outcome);
        // Guard against a vacuous property: corrupting strings still decodes, corrupting lengths does not.
        Statistics.coverage(coverage -> {
            coverage.check("decoded").count(n -> n > 0);
            coverage.check("TRUNCATED").count(n -> n > 0);
            coverage.check("MALFORMED_AVRO").count(n -> n > 0);
        });
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(256)
                .edgeCases(edges -> edges.add(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<Integer, Byte>>> corruptions() {
        Arbitrary<Integer> bodyPosition = Arbitraries.integers().between(WireFormat.HEADER_SIZE, VALID.length - 1);
        return Combinators.combine(bodyPosition, Arbitraries.bytes())
                .as(Tuple::of)
                .list()
                .ofMinSize(1)
                .ofMaxSize(3);
    }

    private String decodesOrFailsCleanly(byte[] payload) {
        try {
            LoginEvent event = deserializer.deserialize(TOPIC, payload);
            assertThat(event).isNotNull();
            return "decoded";
        } catch (WireFormatException e) {
            assertThat(e.kind()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
            return e.kind().name();
        }
    }
}
