package dev.lastseen.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.TokenLastSeen;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SingleObjectSerdeTest {
    private final SingleObjectSerde<TokenLastSeen> serde = new SingleObjectSerde<>(TokenLastSeen.class);

    @Test
    void roundTripsWithoutARegistryAndRefusesAnotherSchemasBytes() {
        TokenLastSeen patch = new TokenLastSeen("tok-1", "acct-1", Instant.ofEpochMilli(1_000), "fra1", null);
        byte[] bytes = serde.serializer().serialize("t", patch);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3); // Avro's single-object marker
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(patch);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();

        byte[] other = new SingleObjectSerde<>(AuthFailureSpike.class)
                .serializer()
                .serialize("t", new AuthFailureSpike("acct-1", null, Instant.EPOCH, Instant.EPOCH, 3L, 1.0));
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", other))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("TokenLastSeen");
    }
}
