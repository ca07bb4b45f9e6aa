package dev.lastseen.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.app.config.InputBounds;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.config.SecretDefaults;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** No raw service-tokens value (it holds the secret) stays reachable from the decoder once a record is decoded. */
class DecodedBytesReachabilityTest {
    @Test
    void theRawValueIsCollectableAfterDecodingWhileTheDecoderLives() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        SpecificAvroSerializer<ServiceToken> serializer =
                new SpecificAvroSerializer<>(registry, ServiceToken.class, true);
        ServiceTokenDecoder decoder = new ServiceTokenDecoder(
                registry,
                InputBounds.DEFAULTS,
                new SecretRule(
                        new LastseenConfig.SecretSettings(SecretDefaults.MIN_LENGTH, SecretDefaults.PLACEHOLDERS),
                        InputBounds.DEFAULTS.maxSecretHashLength()));
        decoder.deserialize("service-tokens", serializer.serialize("service-tokens", token("warm-up")));

        WeakReference<byte[]> raw = decodeAndForget(decoder, serializer.serialize("service-tokens", token("tok-2")));

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    System.gc();
                    return raw.get() == null;
                });
        // The decoder is still in use (and still reachable here): it just does not hold the bytes.
        assertThat(decoder.deserialize("service-tokens", serializer.serialize("service-tokens", token("tok-3"))))
                .isNotNull();
    }

    private static WeakReference<byte[]> decodeAndForget(ServiceTokenDecoder decoder, byte[] value) {
        assertThat(decoder.deserialize("service-tokens", value).tokenId()).isEqualTo("tok-2");
        return new WeakReference<>(value);
    }

    private static ServiceToken token(String id) {
        return TestRecords.token("acct-1", id, "0123456789abcdef0123456789abcdef-" + id);
    }
}
