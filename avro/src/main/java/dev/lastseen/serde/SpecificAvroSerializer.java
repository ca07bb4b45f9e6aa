package dev.lastseen.serde;

import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
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
    // Per instance on purpose: each serializer reuses its own encoder per thread (the check wants static ones).
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    public SpecificAvroSerializer(SchemaRegistryClient registry, Class<T> type, boolean autoRegister) {
        this(registry, SpecificData.getForClass(type).getSchema(type), type, autoRegister);
    }

    /**
     * Writes with an explicit schema: a newer or older version of the record's own schema.
     * Fields are matched by name: a field the writer schema lacks is not written, a field
     * only the writer schema has is written with its default (and fails without one).
     */
    public SpecificAvroSerializer(SchemaRegistryClient registry, Schema schema, Class<T> type, boolean autoRegister) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.autoRegister = autoRegister;
        SpecificData model = SpecificData.getForClass(Objects.requireNonNull(type, "type"));
        // The by-name writer materialises defaults (enums included) and so needs a model that
        // maps our generated classes: see ReaderModel.
        this.writer = schema.equals(model.getSchema(type))
                ? new SpecificDatumWriter<>(schema, model)
                : new ByNameDatumWriter<>(schema, ReaderModel.forType(type));
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(new byte[WireFormat.HEADER_SIZE], 0, WireFormat.HEADER_SIZE);
        int id;
        try {
            // Inside the try: a registry outage is a SerializationException caused by the registry's own
            // exception, so the error handlers see it as the registry being unavailable (never the record's fault).
            id = schemaIdFor(topic);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get());
            encoders.set(encoder);
            writer.write(record, encoder);
            encoder.flush();
        } catch (RegistryUnavailableException | SchemaRegistryException e) {
            throw new SerializationException(
                    "Could not find the schema id of " + schema.getFullName() + " for topic " + topic
                            + ": the schema registry is unavailable (" + e.getMessage() + ")",
                    e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Could not encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        byte[] bytes = out.toByteArray();
        WireFormat.writeHeader(bytes, id);
        return bytes;
    }

    private int schemaIdFor(String topic) {
        // Not computeIfAbsent: the registry call may retry for seconds and must not hold a map lock.
        Integer cached = idByTopic.get(topic);
        if (cached != null) {
            return cached;
        }
        String subject = WireFormat.valueSubject(topic);
        int id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
        idByTopic.put(topic, id);
        return id;
    }

    /**
     * A writer whose schema differs from the record class's own: {@link SpecificDatumWriter}
     * would read the record's fields by the writer schema's positions, which shift between
     * versions. This one reads them by name.
     */
    private static final class ByNameDatumWriter<T> extends SpecificDatumWriter<T> {
        ByNameDatumWriter(Schema writerSchema, SpecificData model) {
            super(writerSchema, model);
        }

        @Override
        protected void writeField(Object datum, Schema.Field field, Encoder out, Object state) throws IOException {
            if (!(datum instanceof SpecificRecord record)) {
                super.writeField(datum, field, out, state);
                return;
            }
            Schema.Field own = record.getSchema().getField(field.name());
            Object value;
            if (own != null) {
                value = record.get(own.pos());
            } else if (field.hasDefaultValue()) {
                value = getData().getDefaultValue(field);
            } else {
                throw new AvroRuntimeException("Writer schema field '" + field.name() + "' has no default and "
                        + record.getSchema().getFullName() + " has no such field");
            }
            write(field.schema(), value, out);
        }
    }
}
