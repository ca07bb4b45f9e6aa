package dev.lastseen.serde;

import static dev.lastseen.serde.TestPayloads.SUBJECT;
import static dev.lastseen.serde.TestPayloads.TOPIC;
import static dev.lastseen.serde.TestPayloads.fixedLoginEvent;
import static dev.lastseen.serde.TestPayloads.fixture;
import static dev.lastseen.serde.TestPayloads.varint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.InMemorySchemaRegistry;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WireFormatFixtureTest {

    @Test
    void loginEventSerializesToTheCheckedInFixtureByteForByte() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        byte[] bytes =
                new SpecificAvroSerializer<>(registry, LoginEvent.class, true).serialize(TOPIC, fixedLoginEvent());

        assertThat(registry.lookup(SUBJECT, LoginEvent.getClassSchema())).isEqualTo(1);
        // Compared as hex so a failure shows where the encoding moved.
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(HexFormat.of().formatHex(fixture()));
    }

    @Test
    void checkedInFixtureDecodesToTheFixedLoginEvent() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register(SUBJECT, LoginEvent.getClassSchema());

        LoginEvent decoded = new SpecificAvroDeserializer<>(registry, LoginEvent.class).deserialize(TOPIC, fixture());

        assertThat(decoded).isEqualTo(fixedLoginEvent());
    }

    @Test
    void testVarintHelperAgreesWithTheAvroSpecExamples() {
        // The spec's table: 0 -> 00, -1 -> 01, 1 -> 02, -2 -> 03, 2 -> 04, -64 -> 7f, 64 -> 80 01.
        assertThat(HexFormat.of().formatHex(varint(0))).isEqualTo("00");
        assertThat(HexFormat.of().formatHex(varint(-1))).isEqualTo("01");
        assertThat(HexFormat.of().formatHex(varint(1))).isEqualTo("02");
        assertThat(HexFormat.of().formatHex(varint(-2))).isEqualTo("03");
        assertThat(HexFormat.of().formatHex(varint(-64))).isEqualTo("7f");
        assertThat(HexFormat.of().formatHex(varint(64))).isEqualTo("8001");
        assertThat(HexFormat.of().formatHex(varint(1_700_000_000_000L))).isEqualTo("80a0abfef962");
    }

    @Test
    void nullRecordSerializesToNullAndNullPayloadDeserializesToNull() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        assertThat(new SpecificAvroSerializer<>(registry, LoginEvent.class, true).serialize(TOPIC, null))
                .isNull();
        assertThat(new SpecificAvroDeserializer<>(registry, LoginEvent.class).deserialize(TOPIC, null))
                .isNull();
    }

    @Test
    void serializerAsksTheRegistryOncePerTopic() {
        CountingRegistry registry = new CountingRegistry(new InMemorySchemaRegistry());
        SpecificAvroSerializer<LoginEvent> serializer = new SpecificAvroSerializer<>(registry, LoginEvent.class, true);

        serializer.serialize(TOPIC, fixedLoginEvent());
        serializer.serialize(TOPIC, fixedLoginEvent());

        assertThat(registry.registerCalls).isEqualTo(1);
    }

    @Test
    void serializerWithoutAutoRegisterLooksTheSchemaUpInstead() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register("other-value", org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING));
        registry.register(SUBJECT, LoginEvent.getClassSchema());

        byte[] bytes =
                new SpecificAvroSerializer<>(registry, LoginEvent.class, false).serialize(TOPIC, fixedLoginEvent());

        assertThat(bytes[4]).isEqualTo((byte) 2);
    }
}
