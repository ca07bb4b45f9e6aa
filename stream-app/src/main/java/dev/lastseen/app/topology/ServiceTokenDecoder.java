package dev.lastseen.app.topology;

import dev.lastseen.app.config.InputBounds;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroDeserializer;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The edge of the registry path: reads a service-tokens value in bounded steps (size, wire
 * decode, field and secret checks) and returns its secret-free projection. The decoded
 * {@link ServiceToken} never leaves this call. A tombstone (null) stays null.
 */
final class ServiceTokenDecoder implements Deserializer<TokenRegistration> {
    private final Deserializer<ServiceToken> checked;

    ServiceTokenDecoder(SchemaRegistryClient registry, InputBounds bounds, SecretRule secretRule) {
        this.checked = new ValidatingDeserializer<>(
                new SpecificAvroDeserializer<>(registry, ServiceToken.class),
                new ServiceTokenValidator(bounds, secretRule),
                bounds.maxRecordBytes(),
                true);
    }

    @Override
    public TokenRegistration deserialize(String topic, byte[] data) {
        ServiceToken token = checked.deserialize(topic, data);
        return token == null ? null : TokenRegistration.of(token);
    }

    /**
     * Refuses a secret-field list naming a field the decoder keeps: the one list of secret fields
     * ({@code lastseen.secret.fields}) is what the decoder drops and what audit-secrets looks for.
     */
    static void requireNotKept(List<String> secretFields) {
        for (String field : secretFields) {
            if (TokenRegistration.KEPT_FIELDS.contains(field)) {
                throw new IllegalArgumentException("lastseen.secret.fields names '" + field
                        + "', a field lastseen keeps from service-tokens records; list only fields that hold secrets");
            }
        }
    }

    /** The source serde of service-tokens: read-only, since lastseen never writes that topic (nor anything shaped like it). */
    static Serde<TokenRegistration> sourceSerde(
            SchemaRegistryClient registry, InputBounds bounds, SecretRule secretRule) {
        Serializer<TokenRegistration> none = (topic, value) -> {
            throw new SerializationException(
                    "lastseen never writes service-tokens records (asked to write to " + topic + ")");
        };
        return Serdes.serdeFrom(none, new ServiceTokenDecoder(registry, bounds, secretRule));
    }
}
