package dev.lastseen.serde;

import dev.lastseen.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Factory for wire-format serdes of the generated specific records. */
public final class AvroSerdes {
    private AvroSerdes() {}

    public static <T extends SpecificRecord> Serde<T> specific(
            Class<T> type, SchemaRegistryClient registry, boolean autoRegister) {
        return Serdes.serdeFrom(
                new SpecificAvroSerializer<>(registry, type, autoRegister),
                new SpecificAvroDeserializer<>(registry, type));
    }
}
