package dev.lastseen.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.RegistryWriter;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenView;
import dev.lastseen.state.UsageWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The static half of field ownership: what each writer is wired to and can express. */
class FieldOwnershipTest {
    @AutoClose
    private final TopologyHarness h = new TopologyHarness();

    private TopologyDescription.Processor processor(String name) {
        TopologyDescription description = LastseenTopology.build(
                        TopologySettings.from(h.config, 0, java.time.Clock.systemUTC()),
                        h.registry,
                        dev.lastseen.state.TokenStores.persistent(),
                        h.metrics)
                .describe();
        return description.subtopologies().stream()
                .flatMap(s -> s.nodes().stream())
                .filter(n -> n.name().equals(name))
                .map(TopologyDescription.Processor.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private TopologyDescription.Subtopology subtopologyOf(String name) {
        TopologyDescription description = LastseenTopology.build(
                        TopologySettings.from(h.config, 0, java.time.Clock.systemUTC()),
                        h.registry,
                        dev.lastseen.state.TokenStores.persistent(),
                        h.metrics)
                .describe();
        return description.subtopologies().stream()
                .filter(s -> s.nodes().stream().anyMatch(n -> n.name().equals(name)))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theUsageWriterIsConnectedToTheUsageGroupsStoresOnly() {
        assertThat(processor(LastseenTopology.USAGE_PROCESSOR).stores())
                .containsExactlyInAnyOrder(
                        StoreNames.TOKEN_USAGE, StoreNames.TOKEN_USAGE_NEVER_SEEN, StoreNames.TOKEN_USAGE_TRAILING);
    }

    @Test
    void theRegistryWriterIsConnectedToTheRegistryStoreOnly() {
        assertThat(processor(LastseenTopology.REGISTRY_PROCESSOR).stores()).containsExactly(StoreNames.TOKEN_REGISTRY);
    }

    @Test
    void theLastSeenGuardIsConnectedToItsOwnStoreOnlyInASubtopologyOfItsOwn() {
        assertThat(processor(LastseenTopology.GUARD_PROCESSOR).stores()).containsExactly(StoreNames.LAST_SEEN_GUARD);
        assertThat(subtopologyOf(LastseenTopology.GUARD_PROCESSOR))
                .as("fed by the token-keyed repartition, not the account-keyed one")
                .isNotEqualTo(subtopologyOf(LastseenTopology.USAGE_PROCESSOR));
    }

    @Test
    void bothFieldGroupsOfAnAccountLiveInTheSameSubtopology() {
        assertThat(subtopologyOf(LastseenTopology.USAGE_PROCESSOR))
                .isEqualTo(subtopologyOf(LastseenTopology.REGISTRY_PROCESSOR));
    }

    @Test
    void theUsageWriterApiCannotExpressARegistryField() {
        for (Field f : UsageWriter.class.getDeclaredFields()) {
            assertThat(f.getGenericType().getTypeName())
                    .doesNotContain(RegistryFields.class.getName())
                    .doesNotContain(RegistryWriter.class.getName());
        }
        for (Method m : UsageWriter.class.getDeclaredMethods()) {
            assertThat(m.getGenericReturnType().getTypeName()).doesNotContain(RegistryFields.class.getName());
            assertThat(Arrays.stream(m.getGenericParameterTypes()).map(java.lang.reflect.Type::getTypeName))
                    .noneMatch(t -> t.contains(RegistryFields.class.getName()));
        }
    }

    @Test
    void theQueryReadViewHasNoSecretField() {
        assertThat(Arrays.stream(TokenView.class.getRecordComponents()).map(RecordComponent::getName))
                .noneMatch(n -> n.toLowerCase(Locale.ROOT).contains("secret"));
        assertThat(Arrays.stream(TokenView.Metadata.class.getRecordComponents()).map(RecordComponent::getName))
                .noneMatch(n -> n.toLowerCase(Locale.ROOT).contains("secret"));
        assertThat(Arrays.stream(TokenView.Usage.class.getRecordComponents()).map(RecordComponent::getName))
                .noneMatch(n -> n.toLowerCase(Locale.ROOT).contains("secret"));
    }
}
