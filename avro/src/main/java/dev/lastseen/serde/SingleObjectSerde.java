package dev.lastseen.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro's single-object encoding (a 2-byte marker, the schema's 8-byte fingerprint, the binary
 * body) for lastseen's own internal topics: written and read by lastseen alone, so no registry
 * round trip and no subject are needed, and a record written with another schema version is
 * refused by its fingerprint instead of being misread.
 */
public final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T> {
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final String typeName;

    public SingleObjectSerde(Class<T> type) {
        SpecificData generated = SpecificData.getForClass(type);
        Schema schema = generated.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(generated, schema);
        this.decoder = new BinaryMessageDecoder<>(ReaderModel.forType(type), schema);
        this.typeName = schema.getFullName();
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteBuffer buffer = encoder.encode(value);
                byte[] out = new byte[buffer.remaining()];
                buffer.get(out);
                return out;
            } catch (IOException e) {
                throw new SerializationException("Cannot encode a " + typeName + " for " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return decoder.decode(data);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(
                        "Cannot decode a " + typeName + " from " + topic + " (" + data.length + " bytes): "
                                + e.getClass().getSimpleName(),
                        e);
            }
        };
    }
}
