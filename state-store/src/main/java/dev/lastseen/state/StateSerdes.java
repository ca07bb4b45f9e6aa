package dev.lastseen.state;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Serdes for the store keys and the two field groups. */
public final class StateSerdes {
    private StateSerdes() {}

    public static Serde<TokenKey> tokenKey() {
        return Serdes.serdeFrom(
                nullSafe(TokenKey::toBytes), (topic, bytes) -> bytes == null ? null : TokenKey.fromBytes(bytes));
    }

    public static Serde<UsageFields> usage() {
        return Serdes.serdeFrom(nullSafe(ValueCodec::encode), nullSafeDecode(ValueCodec::decodeUsage));
    }

    public static Serde<RegistryFields> registry() {
        return Serdes.serdeFrom(nullSafe(ValueCodec::encode), nullSafeDecode(ValueCodec::decodeRegistry));
    }

    private static <T> Serializer<T> nullSafe(java.util.function.Function<T, byte[]> encode) {
        return (topic, value) -> value == null ? null : encode.apply(value);
    }

    private static <T> Deserializer<T> nullSafeDecode(java.util.function.Function<byte[], T> decode) {
        return (topic, bytes) -> bytes == null ? null : decode.apply(bytes);
    }
}
