package dev.lastseen.serde;

import dev.lastseen.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes specific records in the Confluent wire format. The schema id is registered (or,
 * with auto-registration off, looked up) once per topic and cached, so the registry is
 * asked once per topic for the life of the serializer.
 */
public final class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final SchemaRegistryClient registry;
    private final Schema schema;
    private final boolean autoRegister;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    public SpecificAvroSerializer(SchemaRegistryClient registry, Class<T> type, boolean autoRegister) {
        this(registry, SpecificData.get().getSchema(type), type, autoRegister);
    }

    /** Writes with an explicit schema: a newer or older version of the record's own schema. */
    public SpecificAvroSerializer(SchemaRegistryClient registry, Schema schema, Class<T> type, boolean autoRegister) {
        this.registry = registry;
        this.schema = schema;
        this.autoRegister = autoRegister;
        this.writer = new SpecificDatumWriter<>(schema, SpecificData.getForClass(type));
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int id = idByTopic.computeIfAbsent(topic, this::schemaIdFor);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(new byte[WireFormat.HEADER_SIZE], 0, WireFormat.HEADER_SIZE);
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get());
            encoders.set(encoder);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        byte[] bytes = out.toByteArray();
        WireFormat.writeHeader(bytes, id);
        return bytes;
    }

    private int schemaIdFor(String topic) {
        String subject = WireFormat.valueSubject(topic);
        return autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
    }
}
