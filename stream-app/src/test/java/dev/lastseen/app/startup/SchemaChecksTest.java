package dev.lastseen.app.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.InMemorySchemaRegistry;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class SchemaChecksTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final List<SchemaExpectation> expectations = SchemaChecks.of(TopicNames.DEFAULTS);

    @Test
    void emptyRegistryPassesAndRegistersOnlyTheOutputSchemas() {
        assertThat(SchemaChecks.check(registry, expectations, true)).isEmpty();

        assertThat(registry.subjects()).containsExactly("auth-failure-alerts-value", "token-last-seen-value");
        assertThat(registry.latest("token-last-seen-value").orElseThrow().schema())
                .isEqualTo(TokenLastSeen.getClassSchema());
    }

    @Test
    void withoutAutoRegistrationAMissingOutputSchemaIsAProblemNamingTheKey() {
        List<String> problems = SchemaChecks.check(registry, expectations, false);

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("token-last-seen-value", "lastseen.schema.registry.auto.register=true");
        assertThat(registry.subjects()).isEmpty();
    }

    @Test
    void theInternalLoginRepartitionSubjectIsCheckedLikeAnOutput() {
        List<SchemaExpectation> withInternal = SchemaChecks.of(TopicNames.DEFAULTS, "lastseen");
        registry.register("token-last-seen-value", TokenLastSeen.getClassSchema());
        registry.register("auth-failure-alerts-value", dev.lastseen.avro.AuthFailureSpike.getClassSchema());

        assertThat(SchemaChecks.check(registry, withInternal, false))
                .singleElement()
                .asString()
                .contains("lastseen-login-by-account-repartition-value");
        assertThat(SchemaChecks.check(registry, withInternal, true)).isEmpty();
        assertThat(registry.subjects()).contains("lastseen-login-by-account-repartition-value");
    }

    @Test
    void alreadyRegisteredOutputSchemasPassWithoutAutoRegistration() {
        registry.register("token-last-seen-value", TokenLastSeen.getClassSchema());
        registry.register("auth-failure-alerts-value", dev.lastseen.avro.AuthFailureSpike.getClassSchema());

        assertThat(SchemaChecks.check(registry, expectations, false)).isEmpty();
    }

    @Test
    void aNewerProducerSchemaWithAnOptionalFieldIsReadable() {
        registry.register("login-events-value", withExtraOptionalField(LoginEvent.getClassSchema()));

        assertThat(SchemaChecks.check(registry, expectations, true)).isEmpty();
    }

    @Test
    void aProducerSchemaOurReaderCannotReadStopsStartUp() {
        // A producer dropped a field our reader needs and has no default for.
        registry.setCompatibility("login-events-value", "NONE");
        Schema withoutAccount = SchemaBuilder.record("LoginEvent")
                .namespace("dev.lastseen.avro")
                .fields()
                .requiredString("event_id")
                .requiredLong("occurred_at")
                .endRecord();
        registry.register("login-events-value", withoutAccount);

        List<String> problems = SchemaChecks.check(registry, expectations, true);

        assertThat(problems)
                .singleElement()
                .asString()
                .contains("topic 'login-events'", "schema id", "cannot read", "account_id");
    }

    @Test
    void anOutputSubjectWithAnIncompatibleSchemaIsAProblemAndNothingIsRegistered() {
        Schema other = SchemaBuilder.record("TokenLastSeen")
                .namespace("dev.lastseen.avro")
                .fields()
                .requiredInt("something_else")
                .endRecord();
        registry.register("token-last-seen-value", other);

        List<String> problems = SchemaChecks.check(registry, expectations, true);

        assertThat(problems).singleElement().asString().contains("not compatible", "token-last-seen-value", "BACKWARD");
        assertThat(registry.latest("token-last-seen-value").orElseThrow().schema())
                .isEqualTo(other);
    }

    static Schema withExtraOptionalField(Schema base) {
        String json = base.toString();
        String extra = "{\"name\":\"device\",\"type\":[\"null\",\"string\"],\"default\":null}";
        return new Schema.Parser().parse(json.substring(0, json.lastIndexOf(']')) + "," + extra + "]}");
    }
}
