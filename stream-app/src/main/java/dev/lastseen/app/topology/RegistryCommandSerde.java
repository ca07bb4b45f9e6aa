package dev.lastseen.app.topology;

import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.StateSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Format of the internal registry-by-account repartition topic: a kind byte, the token id,
 * then (for upserts) the secret-free registry fields in the state-store layout. A delete must
 * carry the token id because the topic is keyed by account.
 */
final class RegistryCommandSerde implements Serde<RegistryCommand> {
    private static final byte UPSERT = 1;
    private static final byte DELETE = 2;
    private final Serde<RegistryFields> fields = StateSerdes.registry();

    @Override
    public Serializer<RegistryCommand> serializer() {
        return (topic, command) -> {
            if (command == null) {
                return null;
            }
            byte kind;
            String tokenId;
            byte[] body;
            if (command instanceof RegistryCommand.Upsert u) {
                kind = UPSERT;
                tokenId = u.tokenId();
                body = fields.serializer().serialize(topic, u.fields());
            } else if (command instanceof RegistryCommand.Delete d) {
                kind = DELETE;
                tokenId = d.tokenId();
                body = new byte[0];
            } else {
                throw new SerializationException(
                        "Not a registry command: " + command.getClass().getSimpleName());
            }
            byte[] token = tokenId.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 4 + token.length + body.length)
                    .put(kind)
                    .putInt(token.length)
                    .put(token)
                    .put(body)
                    .array();
        };
    }

    @Override
    public Deserializer<RegistryCommand> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(data);
            byte kind = b.get();
            int n = b.getInt();
            String tokenId = new String(data, b.position(), n, StandardCharsets.UTF_8);
            b.position(b.position() + n);
            if (kind == DELETE) {
                return new RegistryCommand.Delete(tokenId);
            }
            if (kind != UPSERT) {
                throw new SerializationException("Unknown registry command kind " + kind);
            }
            byte[] rest = new byte[b.remaining()];
            b.get(rest);
            return new RegistryCommand.Upsert(tokenId, fields.deserializer().deserialize(topic, rest));
        };
    }
}
