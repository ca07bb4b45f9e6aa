package dev.lastseen.serde;

import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.FastReaderBuilder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format payloads into specific records. The writer schema is fetched
 * by id once and cached; it is resolved against this reader's schema, so records written
 * with older or newer compatible schemas decode. Every malformed payload becomes a
 * {@link WireFormatException} with a {@link WireFormatException.Kind}; a registry that
 * cannot be reached surfaces as {@link dev.lastseen.registry.RegistryUnavailableException}
 * (not a verdict on the record). A null payload (tombstone) decodes to null.
 *
 * <p>String and bytes lengths are checked against the bytes left in the payload before
 * anything is allocated (Avro's {@code BinaryDecoder} does this for byte-array input), so a
 * forged length prefix cannot make the deserializer allocate more than the payload size.
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final SpecificData model;
    /** Readers are cached per writer schema id; ids come from the registry, so this is a backstop. */
    static final int MAX_CACHED_WRITER_SCHEMAS = 1_000;

    private static final byte[] NO_BYTES = new byte[0];

    private final Map<Integer, DatumReader<T>> readerByWriterId = new ConcurrentHashMap<>();
    // Per instance on purpose: each deserializer reuses its own decoder per thread (the check wants static ones).
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    public SpecificAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        this.model = ReaderModel.forType(type);
        this.readerSchema = model.getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.readHeader(data);
        if (id < 0) {
            throw new WireFormatException(
                    WireFormatException.Kind.UNKNOWN_SCHEMA_ID,
                    "Schema id " + id + " is negative; no registry issues negative ids");
        }
        DatumReader<T> reader = readerFor(id);
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, decoders.get());
        try {
            T record;
            try {
                record = reader.read(null, decoder);
            } catch (SecurityException e) {
                throw e; // the runtime refuses a class: a deployment problem, not a verdict on the payload
            } catch (java.io.EOFException e) {
                throw new WireFormatException(
                        WireFormatException.Kind.TRUNCATED,
                        "Avro body for schema " + id + " ended early: payload truncated",
                        e);
            } catch (IOException | RuntimeException e) {
                // Whatever decoding arbitrary bytes throws (AvroRuntimeException, index or class-cast
                // errors from a forged union/enum index...) is a verdict on the payload.
                throw new WireFormatException(
                        WireFormatException.Kind.MALFORMED_AVRO,
                        "Payload does not decode as " + readerSchema.getFullName() + " written with schema " + id + ": "
                                + e.getClass().getSimpleName(),
                        e);
            }
            try {
                if (!decoder.isEnd()) {
                    throw new WireFormatException(
                            WireFormatException.Kind.MALFORMED_AVRO,
                            "Payload has trailing bytes after a " + readerSchema.getFullName() + " written with schema "
                                    + id);
                }
            } catch (IOException e) {
                throw new WireFormatException(
                        WireFormatException.Kind.MALFORMED_AVRO, "Could not check end of payload", e);
            }
            return record;
        } finally {
            // The decoder is kept for the next record, pointed at nothing: it must not keep this payload (a
            // service-tokens value holds a secret) reachable after the call, whatever the outcome.
            decoders.set(DecoderFactory.get().binaryDecoder(NO_BYTES, 0, 0, decoder));
        }
    }

    private DatumReader<T> readerFor(int id) {
        DatumReader<T> cached = readerByWriterId.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (isUnknownId(e)) {
                throw new WireFormatException(
                        WireFormatException.Kind.UNKNOWN_SCHEMA_ID,
                        "Schema id " + id + " is not known to the schema registry",
                        e);
            }
            if (e.errorCode() == SchemaRegistryException.INVALID_SCHEMA) {
                throw new WireFormatException(
                        WireFormatException.Kind.INCOMPATIBLE_SCHEMA,
                        "Schema id " + id + " is not a usable Avro schema",
                        e);
            }
            throw e;
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new WireFormatException(
                    WireFormatException.Kind.INCOMPATIBLE_SCHEMA,
                    "Writer schema " + id + " (" + writerSchema.getFullName() + ") cannot be read as "
                            + readerSchema.getFullName() + ": " + compatibility.getDescription());
        }
        // Avro's fast reader (resolution compiled once per writer schema) decodes about twice as fast as
        // SpecificDatumReader; Avro only picks it for its own model classes, so it is built explicitly
        // around ReaderModel, which keeps the trusted-class mapping.
        DatumReader<T> reader;
        try {
            reader = new FastReaderBuilder(model).createDatumReader(writerSchema, readerSchema);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(
                    WireFormatException.Kind.INCOMPATIBLE_SCHEMA,
                    "Writer schema " + id + " cannot be resolved to " + readerSchema.getFullName() + ": "
                            + e.getMessage(),
                    e);
        }
        if (readerByWriterId.size() < MAX_CACHED_WRITER_SCHEMAS) {
            readerByWriterId.put(id, reader);
        }
        return reader;
    }

    /**
     * A 404 carrying a registry "not found" code (404xx) is the registry's verdict that the
     * id does not exist. A bare 404 (no registry error body: a proxy, a wrong path prefix)
     * says nothing about the record and must not send it to the dead-letter topic.
     */
    private static boolean isUnknownId(SchemaRegistryException e) {
        return e.isNotFound() && e.errorCode() / 100 == 404;
    }
}
