package dev.lastseen.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryException;
import dev.lastseen.testing.TestRecords;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SpecificAvroSerializerRegistryOutageTest {
    private final InMemorySchemaRegistry real = new InMemorySchemaRegistry();
    /** What every registry call throws while set; null: the call reaches the real registry. */
    private final AtomicReference<RuntimeException> outage = new AtomicReference<>();

    private SchemaRegistryClient switchable() {
        return (SchemaRegistryClient) Proxy.newProxyInstance(
                SchemaRegistryClient.class.getClassLoader(), new Class<?>[] {SchemaRegistryClient.class}, (p, m, a) -> {
                    RuntimeException e = outage.get();
                    if (e != null) {
                        throw e;
                    }
                    try {
                        return m.invoke(real, a);
                    } catch (InvocationTargetException ex) {
                        throw ex.getCause();
                    }
                });
    }

    @Test
    void aRegistryOutageDuringTheSchemaLookupIsASerializationExceptionCausedByTheOutage() {
        outage.set(new RegistryUnavailableException("connection refused"));
        SpecificAvroSerializer<LoginEvent> serializer =
                new SpecificAvroSerializer<>(switchable(), LoginEvent.class, true);

        assertThatThrownBy(() ->
                        serializer.serialize("logins", TestRecords.success("acct-1", "tok-1", TestRecords.CREATED_AT)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema registry is unavailable")
                .hasCauseInstanceOf(RegistryUnavailableException.class);
    }

    @Test
    void aRegistryRefusalDuringTheSchemaLookupKeepsTheRegistrysExceptionAsCause() {
        outage.set(new SchemaRegistryException("forbidden", 403, 403));
        SpecificAvroSerializer<LoginEvent> serializer =
                new SpecificAvroSerializer<>(switchable(), LoginEvent.class, false);

        assertThatThrownBy(() ->
                        serializer.serialize("logins", TestRecords.success("acct-1", "tok-1", TestRecords.CREATED_AT)))
                .isInstanceOf(SerializationException.class)
                .hasCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void onceTheRegistryIsBackTheSameSerializerWrites() {
        outage.set(new RegistryUnavailableException("connection refused"));
        SpecificAvroSerializer<LoginEvent> serializer =
                new SpecificAvroSerializer<>(switchable(), LoginEvent.class, true);
        assertThatThrownBy(() ->
                        serializer.serialize("logins", TestRecords.success("acct-1", "tok-1", TestRecords.CREATED_AT)))
                .isInstanceOf(SerializationException.class);

        outage.set(null);
        byte[] bytes = serializer.serialize("logins", TestRecords.success("acct-1", "tok-1", TestRecords.CREATED_AT));

        assertThat(WireFormat.readHeader(bytes)).isEqualTo(real.lookup("logins-value", LoginEvent.getClassSchema()));
    }
}
