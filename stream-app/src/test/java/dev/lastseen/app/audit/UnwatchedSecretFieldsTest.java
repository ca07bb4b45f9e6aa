package dev.lastseen.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.avro.ServiceToken;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class UnwatchedSecretFieldsTest {
    @Test
    void theContractSchemaHasNoUnwatchedSecretLikeFieldWithTheDefaultList() {
        assertThat(RegistrySecrets.unwatchedSecretLikeFields(
                        ServiceToken.getClassSchema(), 1, List.of("client_secret_hash")))
                .isEmpty();
    }

    @Test
    void secretLikeStringFieldsNotLookedForAreNamedAndOthersAreNot() {
        Schema writer = SchemaBuilder.record("ServiceToken")
                .fields()
                .requiredString("token_id")
                .requiredString("client_secret_hash")
                .optionalString("refresh_secret")
                .requiredString("db_password")
                .requiredLong("secret_rotation_count")
                .requiredString("name")
                .endRecord();

        List<String> warnings = RegistrySecrets.unwatchedSecretLikeFields(writer, 7, List.of("client_secret_hash"));

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("'refresh_secret'").contains("writer schema 7");
        assertThat(warnings.get(1)).contains("'db_password'");
    }
}
