package dev.lastseen.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.TokenView;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The secret cannot travel past the edge because nothing can express it: the build fails if a
 * type that carries registry data downstream of the edge gains a secret-like component. (Who may
 * read {@code client_secret_hash} at all is an ArchUnit rule in {@code ArchitectureTest}.)
 */
class SecretFreeByConstructionTest {
    @Test
    void noTypeDownstreamOfTheEdgeHasASecretComponent() {
        for (Class<?> type : new Class<?>[] {
            TokenRegistration.class,
            RegistryFields.class,
            RegistryCommand.Upsert.class,
            RegistryCommand.Delete.class,
            UsageCommand.Registered.class,
            UsageCommand.Retired.class,
            TokenView.class,
            TokenView.Metadata.class
        }) {
            assertThat(Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName))
                    .as(type.getName())
                    .isNotEmpty()
                    .noneMatch(n -> n.toLowerCase(Locale.ROOT).contains("secret"));
        }
        assertThat(Arrays.stream(TokenRegistration.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactly("tokenId", "accountId", "name", "clientId", "createdAt", "expiresAt");
    }

    @Test
    void everyServiceTokenFieldIsEitherKeptOrADefaultSecretField() {
        Set<String> schemaFields = ServiceToken.getClassSchema().getFields().stream()
                .map(Schema.Field::name)
                .collect(Collectors.toSet());
        Set<String> decided = new HashSet<>(TokenRegistration.KEPT_FIELDS);
        decided.addAll(LastseenConfig.SecretSettings.DEFAULT_FIELDS);
        assertThat(decided).as("kept fields plus secret fields").isEqualTo(schemaFields);
        assertThat(TokenRegistration.KEPT_FIELDS)
                .doesNotContainAnyElementsOf(LastseenConfig.SecretSettings.DEFAULT_FIELDS);
    }

    @Test
    void aSecretFieldListNamingAFieldTheDecoderKeepsIsRefused() {
        assertThatThrownBy(() -> ServiceTokenDecoder.requireNotKept(List.of("client_secret_hash", "client_id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lastseen.secret.fields")
                .hasMessageContaining("client_id");
        ServiceTokenDecoder.requireNotKept(List.of("client_secret_hash", "api_key"));
    }
}
