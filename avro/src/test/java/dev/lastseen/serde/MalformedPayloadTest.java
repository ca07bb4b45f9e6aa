package dev.lastseen.serde;

import static dev.lastseen.serde.TestPayloads.SUBJECT;
import static dev.lastseen.serde.TestPayloads.TOPIC;
import static dev.lastseen.serde.TestPayloads.bytes;
import static dev.lastseen.serde.TestPayloads.concat;
import static dev.lastseen.serde.TestPayloads.fixture;
import static dev.lastseen.serde.TestPayloads.payload;
import static dev.lastseen.serde.TestPayloads.varint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryException;
import dev.lastseen.serde.WireFormatException.Kind;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MalformedPayloadTest {
    private static final byte[] VALID = fixture();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SpecificAvroDeserializer<LoginEvent> deserializer;

    MalformedPayloadTest() {
        registry.register(SUBJECT, LoginEvent.getClassSchema()); // id 1, the fixture's id
        deserializer = new SpecificAvroDeserializer<>(registry, LoginEvent.class);
    }

    @Test
    void unknownSchemaIdIsAClearWireFormatError() {
        assertWireFormatError(
                        () -> deserializer.deserialize(TOPIC, payload(42, Arrays.copyOfRange(VALID, 5, VALID.length))),
                        Kind.UNKNOWN_SCHEMA_ID)
                .hasMessageContaining("42");
    }

    @Test
    void negativeSchemaIdIsUnknownWithoutAskingTheRegistry() {
        CountingRegistry counting = new CountingRegistry(registry);
        SpecificAvroDeserializer<LoginEvent> countingDeserializer =
                new SpecificAvroDeserializer<>(counting, LoginEvent.class);

        assertWireFormatError(
                () -> countingDeserializer.deserialize(TOPIC, payload(-1, new byte[3])), Kind.UNKNOWN_SCHEMA_ID);
        assertThat(counting.schemaByIdCalls).isZero();
    }

    @Test
    void wrongMagicByteIsABadMagicByteError() {
        byte[] payload = VALID.clone();
        payload[0] = 0x01;
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, payload), Kind.BAD_MAGIC_BYTE)
                .hasMessageContaining("0x01");
    }

    @Test
    void jsonPayloadIsABadMagicByteError() {
        assertWireFormatError(
                () -> deserializer.deserialize(
                        TOPIC, "{\"event_id\":\"e1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Kind.BAD_MAGIC_BYTE);
    }

    @Test
    void emptyPayloadIsTruncated() {
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, new byte[0]), Kind.TRUNCATED);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void payloadShorterThanTheHeaderIsTruncated(int length) {
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, Arrays.copyOf(VALID, length)), Kind.TRUNCATED);
    }

    @Test
    void headerWithoutABodyIsTruncated() {
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, Arrays.copyOf(VALID, 5)), Kind.TRUNCATED);
    }

    static IntStream everyProperPrefixLength() {
        return IntStream.range(0, VALID.length);
    }

    @ParameterizedTest
    @MethodSource("everyProperPrefixLength")
    void everyProperPrefixOfAValidPayloadIsTruncated(int length) {
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, Arrays.copyOf(VALID, length)), Kind.TRUNCATED);
    }

    @Test
    void theFullPayloadDecodes() {
        assertThat(deserializer.deserialize(TOPIC, VALID)).isEqualTo(TestPayloads.fixedLoginEvent());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 100})
    void trailingBytesAfterAValidRecordAreMalformed(int extra) {
        byte[] payload = Arrays.copyOf(VALID, VALID.length + extra);
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, payload), Kind.MALFORMED_AVRO)
                .hasMessageContaining("trailing");
    }

    @Test
    void unionBranchIndexOutOfRangeIsMalformed() {
        // event_id "e1", occurred_at 0, account_id "a", SERVICE_TOKEN, then token_id union branch 5 of 2.
        byte[] body =
                concat(bytes(0x04, 'e', '1'), varint(0), bytes(0x02, 'a'), varint(0), varint(5), bytes(0x02, 'x'));
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, payload(1, body)), Kind.MALFORMED_AVRO);
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 9, -1, Integer.MAX_VALUE})
    void enumIndexOutOfRangeIsMalformed(int index) {
        byte[] body =
                concat(bytes(0x04, 'e', '1'), varint(0), bytes(0x02, 'a'), varint(index), bytes(0, 0, 0, 0, 0, 0));
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, payload(1, body)), Kind.MALFORMED_AVRO);
    }

    @Test
    void overlongVarintIsMalformed() {
        byte[] body = bytes(0x04, 'e', '1', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
        assertWireFormatError(() -> deserializer.deserialize(TOPIC, payload(1, body)), Kind.MALFORMED_AVRO);
    }

    @Test
    void negativeStringLengthIsMalformed() {
        assertWireFormatError(
                () -> deserializer.deserialize(TOPIC, payload(1, concat(varint(-1), bytes('x')))), Kind.MALFORMED_AVRO);
    }

    @Test
    void stringLengthBeyondThePayloadIsTruncated() {
        assertWireFormatError(
                () -> deserializer.deserialize(TOPIC, payload(1, concat(varint(1_000_000_000), bytes('x')))),
                Kind.TRUNCATED);
    }

    @ParameterizedTest
    @ValueSource(longs = {1_000_000_000L, Integer.MAX_VALUE - 8, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE})
    void forgedStringLengthIsRejectedWithoutAllocatingIt(long forgedLength) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled())
                .isTrue();
        // Forged in the first field and, after a valid prefix, in a later one.
        byte[] first = payload(1, concat(varint(forgedLength), bytes('x', 'y')));
        byte[] later = payload(1, concat(bytes(0x04, 'e', '1'), varint(0), varint(forgedLength), bytes('x')));
        for (byte[] payload : new byte[][] {first, later}) {
            ThrowingCallable decode = () -> deserializer.deserialize(TOPIC, payload);
            assertThatThrownBy(decode).isInstanceOf(WireFormatException.class); // warm-up: class loading, reader cache

            long before = threads.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(decode)
                    .isInstanceOfSatisfying(
                            WireFormatException.class,
                            e -> assertThat(e.kind()).isIn(Kind.TRUNCATED, Kind.MALFORMED_AVRO));
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(allocated)
                    .as(
                            "bytes allocated decoding a %d-byte payload claiming a %d-byte string",
                            payload.length, forgedLength)
                    .isLessThan(1_000_000L);
        }
    }

    @Test
    void bare404FromTheRegistryIsNotAVerdictOnTheRecord() {
        // A 404 without a registry error code (a proxy, a wrong path prefix) must not dead-letter records.
        SchemaRegistryException bare = new SchemaRegistryException("Not Found", 404, 404);
        SpecificAvroDeserializer<LoginEvent> misrouted = new SpecificAvroDeserializer<>(
                new CountingRegistry(registry, id -> {
                    throw bare;
                }),
                LoginEvent.class);

        assertThatThrownBy(() -> misrouted.deserialize(TOPIC, VALID)).isSameAs(bare);
    }

    @Test
    void unreachableRegistryIsNotAVerdictOnTheRecord() {
        RegistryUnavailableException down = new RegistryUnavailableException("down");
        SpecificAvroDeserializer<LoginEvent> cutOff = new SpecificAvroDeserializer<>(
                new CountingRegistry(registry, id -> {
                    throw down;
                }),
                LoginEvent.class);

        assertThatThrownBy(() -> cutOff.deserialize(TOPIC, VALID)).isSameAs(down);
    }

    @Test
    void idOfANonAvroSchemaIsAnIncompatibleSchemaError() {
        SpecificAvroDeserializer<LoginEvent> protobufId = new SpecificAvroDeserializer<>(
                new CountingRegistry(registry, id -> {
                    throw new SchemaRegistryException(
                            "it is a PROTOBUF schema", 200, SchemaRegistryException.INVALID_SCHEMA);
                }),
                LoginEvent.class);

        assertWireFormatError(() -> protobufId.deserialize(TOPIC, VALID), Kind.INCOMPATIBLE_SCHEMA);
    }

    @Test
    void writerSchemaIsFetchedOncePerId() {
        CountingRegistry counting = new CountingRegistry(registry);
        SpecificAvroDeserializer<LoginEvent> cached = new SpecificAvroDeserializer<>(counting, LoginEvent.class);

        cached.deserialize(TOPIC, VALID);
        cached.deserialize(TOPIC, VALID);

        assertThat(counting.schemaByIdCalls).isEqualTo(1);
    }

    @Test
    void readerSchemaOfAnotherRecordTypeIsIncompatible() {
        int stringId = registry.register("strings-value", Schema.create(Schema.Type.STRING));
        assertWireFormatError(
                () -> deserializer.deserialize(TOPIC, payload(stringId, bytes(0x02, 'x'))), Kind.INCOMPATIBLE_SCHEMA);
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertWireFormatError(
            ThrowingCallable call, Kind kind) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(WireFormatException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).isNotBlank();
        });
    }
}
