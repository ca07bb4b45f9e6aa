package dev.lastseen.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A Confluent-protocol producer that owes nothing to lastseen, as another team's service would
 * be: its own copies of the schemas, registered through the registry's REST API with a plain
 * HTTP client, values written as magic byte + 4-byte schema id + Avro binary with Avro's
 * generic writer, sent by a plain Kafka producer of bytes.
 */
final class IndependentProducer implements AutoCloseable {
    static final Schema SERVICE_TOKEN = new Schema.Parser().parse("""
            {"type": "record", "name": "ServiceToken", "namespace": "dev.lastseen.avro",
             "doc": "The token service's registry record (its own copy of the contract schema).",
             "fields": [
               {"name": "token_id", "type": "string"},
               {"name": "account_id", "type": "string"},
               {"name": "name", "type": "string"},
               {"name": "client_id", "type": "string"},
               {"name": "client_secret_hash", "type": "string"},
               {"name": "created_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
               {"name": "expires_at", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}], "default": null}
             ]}""");
    static final Schema LOGIN_EVENT = new Schema.Parser().parse("""
            {"type": "record", "name": "LoginEvent", "namespace": "dev.lastseen.avro",
             "fields": [
               {"name": "event_id", "type": "string"},
               {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
               {"name": "account_id", "type": "string"},
               {"name": "credential_type", "type": {"type": "enum", "name": "CredentialType",
                 "symbols": ["SERVICE_TOKEN", "API_TOKEN", "USER_SESSION", "OTHER"], "default": "OTHER"}},
               {"name": "token_id", "type": ["null", "string"], "default": null},
               {"name": "outcome", "type": {"type": "enum", "name": "AuthOutcome", "symbols": ["SUCCESS", "FAILURE"]}},
               {"name": "failure_reason", "type": ["null", "string"], "default": null},
               {"name": "colo", "type": ["null", "string"], "default": null},
               {"name": "client_ip", "type": ["null", "string"], "default": null}
             ]}""");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registryUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private final KafkaProducer<byte[], byte[]> producer;

    IndependentProducer(String bootstrap, String registryUrl) {
        this.registryUrl = registryUrl;
        this.producer = new KafkaProducer<>(
                ItKafka.producerConfig(bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Registers a schema under {@code <topic>-value} (TopicNameStrategy) and returns its id. */
    int register(String topic, Schema schema) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + topic + "-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body(schema)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode id = response.statusCode() == 200
                    ? JSON.readTree(response.body()).get("id")
                    : null;
            if (id == null || !id.canConvertToInt()) {
                throw new IllegalStateException(
                        "registering " + topic + "-value: HTTP " + response.statusCode() + " " + response.body());
            }
            return id.intValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String body(Schema schema) {
        try {
            return JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Confluent wire format: 0x00, the schema id big-endian, the Avro binary body. */
    static byte[] encode(int schemaId, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GenericRecord serviceToken(String tokenId, String accountId, String name, String secret, long createdAt) {
        GenericRecord r = new GenericData.Record(SERVICE_TOKEN);
        r.put("token_id", tokenId);
        r.put("account_id", accountId);
        r.put("name", name);
        r.put("client_id", "client-" + tokenId);
        r.put("client_secret_hash", secret);
        r.put("created_at", createdAt);
        r.put("expires_at", null);
        return r;
    }

    static GenericRecord login(String eventId, String accountId, String tokenId, long occurredAt, boolean success) {
        GenericRecord r = new GenericData.Record(LOGIN_EVENT);
        r.put("event_id", eventId);
        r.put("occurred_at", occurredAt);
        r.put("account_id", accountId);
        r.put(
                "credential_type",
                new GenericData.EnumSymbol(
                        LOGIN_EVENT.getField("credential_type").schema(), "SERVICE_TOKEN"));
        r.put("token_id", tokenId);
        r.put(
                "outcome",
                new GenericData.EnumSymbol(LOGIN_EVENT.getField("outcome").schema(), success ? "SUCCESS" : "FAILURE"));
        r.put("failure_reason", success ? null : "bad_secret");
        r.put("colo", "fra1");
        r.put("client_ip", "192.0.2.44");
        return r;
    }

    RecordMetadata send(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Sends to an explicit partition (planting state the way Kafka Streams would have written it). */
    RecordMetadata send(String topic, int partition, byte[] key, byte[] value) {
        return send(new ProducerRecord<>(topic, partition, key, value));
    }

    private RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send to " + record.topic() + " failed", e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
