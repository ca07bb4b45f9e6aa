package dev.lastseen.serde;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/** Shared test data: the fixed LoginEvent, its checked-in encoding, and payload builders. */
final class TestPayloads {
    static final String TOPIC = "login-events";
    static final String SUBJECT = "login-events-value";

    private TestPayloads() {}

    /** The record whose encoding is checked in as {@code fixtures/login-event-id1.hex}. */
    static LoginEvent fixedLoginEvent() {
        return LoginEvent.newBuilder()
                .setEventId("e1")
                .setOccurredAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setAccountId("acct-1")
                .setCredentialType(CredentialType.SERVICE_TOKEN)
                .setTokenId("tok-1")
                .setOutcome(AuthOutcome.SUCCESS)
                .setFailureReason(null)
                .setColo("AMS")
                .setClientIp("192.0.2.1")
                .build();
    }

    /** The checked-in fixture: hex bytes, '#' comments. */
    static byte[] fixture() {
        try (InputStream in = TestPayloads.class.getResourceAsStream("/fixtures/login-event-id1.hex")) {
            if (in == null) {
                throw new IllegalStateException("fixtures/login-event-id1.hex is missing from the test classpath");
            }
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", ""));
            }
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A wire-format payload: magic byte, big-endian id, then the given body bytes. */
    static byte[] payload(int schemaId, byte[] body) {
        return ByteBuffer.allocate(WireFormat.HEADER_SIZE + body.length)
                .put(WireFormat.MAGIC_BYTE)
                .putInt(schemaId)
                .put(body)
                .array();
    }

    /** Avro's zig-zag varint encoding of a long, written out independently of Avro. */
    static byte[] varint(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteBuffer out = ByteBuffer.allocate(10);
        while ((n & ~0x7FL) != 0) {
            out.put((byte) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.put((byte) n);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
