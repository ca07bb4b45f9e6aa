package dev.lastseen.serde;

import static dev.lastseen.serde.TestPayloads.SUBJECT;
import static dev.lastseen.serde.TestPayloads.TOPIC;
import static dev.lastseen.serde.TestPayloads.fixedLoginEvent;
import static dev.lastseen.serde.TestPayloads.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    /** An older LoginEvent: no failure_reason (a middle field) and no client_ip (the last). */
    static final Schema OLDER = new Schema.Parser().parse("""
            {"type": "record", "name": "LoginEvent", "namespace": "dev.lastseen.avro", "fields": [
              {"name": "event_id", "type": "string"},
              {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "account_id", "type": "string"},
              {"name": "credential_type", "type": {"type": "enum", "name": "CredentialType",
                "symbols": ["SERVICE_TOKEN", "API_TOKEN", "USER_SESSION", "OTHER"], "default": "OTHER"}},
              {"name": "token_id", "type": ["null", "string"], "default": null},
              {"name": "outcome", "type": {"type": "enum", "name": "AuthOutcome", "symbols": ["SUCCESS", "FAILURE"]}},
              {"name": "colo", "type": ["null", "string"], "default": null}
            ]}""");

    /**
     * A newer LoginEvent: extra fields with defaults (one of a generated enum type), and a
     * credential type this reader does not know.
     */
    static final Schema NEWER = new Schema.Parser().parse("""
            {"type": "record", "name": "LoginEvent", "namespace": "dev.lastseen.avro", "fields": [
              {"name": "event_id", "type": "string"},
              {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "account_id", "type": "string"},
              {"name": "credential_type", "type": {"type": "enum", "name": "CredentialType",
                "symbols": ["SERVICE_TOKEN", "API_TOKEN", "USER_SESSION", "OTHER", "CLIENT_CERT"], "default": "OTHER"}},
              {"name": "token_id", "type": ["null", "string"], "default": null},
              {"name": "outcome", "type": {"type": "enum", "name": "AuthOutcome", "symbols": ["SUCCESS", "FAILURE"]}},
              {"name": "failure_reason", "type": ["null", "string"], "default": null},
              {"name": "colo", "type": ["null", "string"], "default": null},
              {"name": "client_ip", "type": ["null", "string"], "default": null},
              {"name": "user_agent", "type": ["null", "string"], "default": null},
              {"name": "previous_credential_type", "type": "CredentialType", "default": "OTHER"}
            ]}""");

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SpecificAvroDeserializer<LoginEvent> reader =
            new SpecificAvroDeserializer<>(registry, LoginEvent.class);

    @Test
    void recordWrittenWithAnOlderSchemaDecodesWithDefaultsForTheMissingFields() {
        LoginEvent event = fixedLoginEvent();
        event.setFailureReason("ignored: the older schema has no such field");
        byte[] bytes = new SpecificAvroSerializer<>(registry, OLDER, LoginEvent.class, true).serialize(TOPIC, event);

        LoginEvent decoded = reader.deserialize(TOPIC, bytes);

        LoginEvent expected = fixedLoginEvent();
        expected.setClientIp(null);
        // colo sits where failure_reason sits in the current schema: it must still land in colo.
        assertThat(decoded).isEqualTo(expected);
        assertThat(decoded.getColo()).isEqualTo("AMS");
    }

    @Test
    void recordWrittenWithANewerSchemaThroughTheSerializerDecodesWithTheCurrentReader() {
        byte[] bytes = new SpecificAvroSerializer<>(registry, NEWER, LoginEvent.class, true)
                .serialize(TOPIC, fixedLoginEvent());

        assertThat(reader.deserialize(TOPIC, bytes)).isEqualTo(fixedLoginEvent());
    }

    @Test
    void newerWriterFieldsAreSkippedAndAnUnknownEnumSymbolReadsAsTheEnumDefault() throws IOException {
        int newerId = registry.register(SUBJECT, NEWER);
        GenericRecord record = new GenericData.Record(NEWER);
        record.put("event_id", "e2");
        record.put("occurred_at", 1_700_000_000_123L);
        record.put("account_id", "acct-2");
        record.put(
                "credential_type",
                new GenericData.EnumSymbol(NEWER.getField("credential_type").schema(), "CLIENT_CERT"));
        record.put("token_id", "tok-2");
        record.put(
                "outcome", new GenericData.EnumSymbol(NEWER.getField("outcome").schema(), "FAILURE"));
        record.put("failure_reason", "bad_secret");
        record.put("colo", "FRA");
        record.put("client_ip", "198.51.100.7");
        record.put("user_agent", "curl/8.5.0");
        record.put(
                "previous_credential_type",
                new GenericData.EnumSymbol(NEWER.getField("credential_type").schema(), "API_TOKEN"));

        LoginEvent decoded = reader.deserialize(TOPIC, payload(newerId, encode(NEWER, record)));

        assertThat(decoded.getEventId()).isEqualTo("e2");
        assertThat(decoded.getOccurredAt().toEpochMilli()).isEqualTo(1_700_000_000_123L);
        assertThat(decoded.getCredentialType()).isEqualTo(CredentialType.OTHER);
        assertThat(decoded.getOutcome().name()).isEqualTo("FAILURE");
        assertThat(decoded.getFailureReason()).isEqualTo("bad_secret");
        assertThat(decoded.getColo()).isEqualTo("FRA");
        assertThat(decoded.getClientIp()).isEqualTo("198.51.100.7");
    }

    @Test
    void writerSchemaTheReaderCannotResolveIsAnIncompatibleSchemaError() throws IOException {
        Schema unrelated = new Schema.Parser().parse("""
                {"type": "record", "name": "LoginEvent", "namespace": "dev.lastseen.avro", "fields": [
                  {"name": "event_id", "type": "long"}]}""");
        int id = registry.register("elsewhere-value", unrelated);
        GenericRecord record = new GenericData.Record(unrelated);
        record.put("event_id", 5L);

        assertThatThrownBy(() -> reader.deserialize(TOPIC, payload(id, encode(unrelated, record))))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(WireFormatException.Kind.INCOMPATIBLE_SCHEMA));
    }

    @Test
    void writerSchemaFieldWithoutDefaultThatTheRecordLacksFailsToSerialize() {
        Schema demanding = new Schema.Parser()
                .parse(NEWER.toString()
                        .replace(
                                "{\"name\":\"user_agent\",\"type\":[\"null\",\"string\"],\"default\":null}",
                                "{\"name\":\"user_agent\",\"type\":\"string\"}"));
        SpecificAvroSerializer<LoginEvent> serializer =
                new SpecificAvroSerializer<>(registry, demanding, LoginEvent.class, true);

        assertThatThrownBy(() -> serializer.serialize(TOPIC, fixedLoginEvent()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("user_agent");
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
