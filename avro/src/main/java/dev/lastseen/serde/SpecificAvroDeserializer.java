package dev.lastseen.serde;

import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format payloads into specific records. The writer schema is fetched
 * by id once and cached; it is resolved against this reader's schema, so records written
 * with older or newer compatible schemas decode. Every malformed payload becomes a
 * {@link WireFormatException} with a {@link WireFormatException.Kind}; a registry that
 * cannot be reached surfaces as {@link dev.lastseen.registry.RegistryUnavailableException}
 * (not a verdict on the record). A null payload (tombstone) decodes to null.
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final SpecificData model;
    private final Map<Integer, SpecificDatumReader<T>> readerByWriterId = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    public SpecificAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        TrustedClasses.trustNamedTypesOf(readerSchema);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.readHeader(data);
        SpecificDatumReader<T> reader = readerFor(id);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, decoders.get());
        decoders.set(decoder);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (java.io.EOFException e) {
            throw new WireFormatException(WireFormatException.Kind.TRUNCATED,
                    "Avro body for schema " + id + " ended early: payload truncated", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new WireFormatException(WireFormatException.Kind.MALFORMED_AVRO,
                    "Payload does not decode as " + readerSchema.getFullName() + " written with schema " + id
                            + ": " + e.getClass().getSimpleName(), e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new WireFormatException(WireFormatException.Kind.MALFORMED_AVRO,
                        "Payload has trailing bytes after a " + readerSchema.getFullName() + " written with schema " + id);
            }
        } catch (IOException e) {
            throw new WireFormatException(WireFormatException.Kind.MALFORMED_AVRO, "Could not check end of payload", e);
        }
        return record;
    }

    private SpecificDatumReader<T> readerFor(int id) {
        SpecificDatumReader<T> cached = readerByWriterId.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new WireFormatException(WireFormatException.Kind.UNKNOWN_SCHEMA_ID,
                        "Schema id " + id + " is not known to the schema registry", e);
            }
            throw e;
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new WireFormatException(WireFormatException.Kind.INCOMPATIBLE_SCHEMA,
                    "Writer schema " + id + " (" + writerSchema.getFullName() + ") cannot be read as "
                            + readerSchema.getFullName() + ": " + compatibility.getDescription());
        }
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
        readerByWriterId.put(id, reader);
        return reader;
    }
}
