package dev.lastseen.serde;

/**
 * The Confluent Schema Registry wire format: byte 0 is the magic byte 0x00, bytes 1-4 the
 * schema id (big-endian), then the Avro binary encoding of the record.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0x00;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** Subject name under the TopicNameStrategy for record values. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    static void writeHeader(byte[] target, int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    /** Reads and checks the header; returns the schema id. */
    public static int readHeader(byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new WireFormatException(
                    WireFormatException.Kind.TRUNCATED,
                    "Payload of " + data.length + " bytes is shorter than the 5-byte wire-format header");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new WireFormatException(
                    WireFormatException.Kind.BAD_MAGIC_BYTE,
                    String.format(
                            "Unknown magic byte 0x%02x (expected 0x00): not Confluent wire format", data[0] & 0xff));
        }
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }
}
