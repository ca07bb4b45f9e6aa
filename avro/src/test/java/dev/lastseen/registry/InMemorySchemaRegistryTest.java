package dev.lastseen.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {
    private static final String SUBJECT = "token-last-seen-value";

    /** v1: one required field. */
    private static final Schema V1 = record("{\"name\": \"token_id\", \"type\": \"string\"}");
    /** v2: adds an optional field with a default: backward and forward compatible with v1. */
    private static final Schema V2 = record("{\"name\": \"token_id\", \"type\": \"string\"},"
            + "{\"name\": \"colo\", \"type\": [\"null\", \"string\"], \"default\": null}");
    /** Adds a required field: new readers cannot read old data (not backward compatible). */
    private static final Schema ADDS_REQUIRED = record(
            "{\"name\": \"token_id\", \"type\": \"string\"}," + "{\"name\": \"account_id\", \"type\": \"string\"}");
    /** Drops token_id: old readers cannot read new data (not forward compatible with v1). */
    private static final Schema DROPS_TOKEN_ID =
            record("{\"name\": \"colo\", \"type\": [\"null\", \"string\"], \"default\": null}");

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void sameSchemaRegisteredTwiceGetsTheSameId() {
        int first = registry.register(SUBJECT, TokenLastSeen.getClassSchema());
        int second = registry.register(SUBJECT, TokenLastSeen.getClassSchema());

        assertThat(second).isEqualTo(first);
        assertThat(registry.lookup(SUBJECT, TokenLastSeen.getClassSchema())).isEqualTo(first);
        assertThat(registry.schemaById(first)).isEqualTo(TokenLastSeen.getClassSchema());
    }

    @Test
    void sameSchemaUnderTwoSubjectsGetsOneGlobalIdAndDistinctSchemasGetDistinctIds() {
        int a = registry.register("a-value", LoginEvent.getClassSchema());
        int b = registry.register("b-value", LoginEvent.getClassSchema());
        int other = registry.register("c-value", TokenLastSeen.getClassSchema());

        assertThat(b).isEqualTo(a);
        assertThat(other).isNotEqualTo(a);
    }

    @Test
    void incompatibleRegistrationIsRejectedWith409AndLeavesTheSubjectUnchanged() {
        registry.register(SUBJECT, V1);

        assertThatThrownBy(() -> registry.register(SUBJECT, ADDS_REQUIRED))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                });
        assertThat(registry.isCompatible(SUBJECT, ADDS_REQUIRED)).isFalse();
        assertThatThrownBy(() -> registry.lookup(SUBJECT, ADDS_REQUIRED))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void compatibleEvolutionIsAcceptedWithANewId() {
        int v1 = registry.register(SUBJECT, V1);
        int v2 = registry.register(SUBJECT, V2);

        assertThat(v2).isNotEqualTo(v1);
        assertThat(registry.lookup(SUBJECT, V1)).isEqualTo(v1);
    }

    @Test
    void forwardLevelRejectsASchemaOldReadersCannotRead() {
        registry.setCompatibility(SUBJECT, "forward");
        registry.register(SUBJECT, V1);

        assertThat(registry.compatibility(SUBJECT)).isEqualTo("FORWARD");
        assertThat(registry.isCompatible(SUBJECT, DROPS_TOKEN_ID)).isFalse();
        assertThat(registry.isCompatible(SUBJECT, ADDS_REQUIRED)).isTrue(); // old readers ignore the new field
    }

    @Test
    void transitiveLevelChecksEveryEarlierVersionNotJustTheLatest() {
        Schema xString = record("{\"name\": \"x\", \"type\": \"string\"}");
        Schema onlyY = record("{\"name\": \"y\", \"type\": [\"null\", \"string\"], \"default\": null}");
        // Reads onlyY (x takes its default) but not xString (a string x cannot be read as int).
        Schema xInt = record("{\"name\": \"x\", \"type\": \"int\", \"default\": 0},"
                + "{\"name\": \"y\", \"type\": [\"null\", \"string\"], \"default\": null}");
        registry.setCompatibility(SUBJECT, "NONE");
        registry.register(SUBJECT, xString);
        registry.register(SUBJECT, onlyY);

        registry.setCompatibility(SUBJECT, "BACKWARD");
        assertThat(registry.isCompatible(SUBJECT, xInt)).isTrue();
        registry.setCompatibility(SUBJECT, "BACKWARD_TRANSITIVE");
        assertThat(registry.isCompatible(SUBJECT, xInt)).isFalse();
    }

    @Test
    void fullLevelNeedsBothDirections() {
        registry.setCompatibility(SUBJECT, "FULL");
        registry.register(SUBJECT, V1);

        assertThat(registry.isCompatible(SUBJECT, ADDS_REQUIRED)).isFalse(); // forward only
        assertThat(registry.isCompatible(SUBJECT, DROPS_TOKEN_ID)).isFalse(); // backward only
        assertThat(registry.isCompatible(SUBJECT, V2)).isTrue();
    }

    @Test
    void noneLevelAcceptsAnything() {
        registry.register(SUBJECT, V1);
        registry.setCompatibility(SUBJECT, "NONE");

        assertThat(registry.isCompatible(SUBJECT, DROPS_TOKEN_ID)).isTrue();
        assertThat(registry.register(SUBJECT, DROPS_TOKEN_ID)).isPositive();
    }

    @Test
    void defaultLevelIsBackward() {
        assertThat(registry.compatibility("anything-value")).isEqualTo("BACKWARD");
    }

    @Test
    void unknownCompatibilityLevelIsRejected() {
        assertThatThrownBy(() -> registry.setCompatibility(SUBJECT, "SIDEWAYS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIDEWAYS");
    }

    @Test
    void unknownIdIsA404WithSchemaNotFound() {
        assertThatThrownBy(() -> registry.schemaById(99)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.isNotFound()).isTrue();
            assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
        });
    }

    private static Schema record(String fields) {
        return new Schema.Parser()
                .parse("{\"type\": \"record\", \"name\": \"T\", \"namespace\": \"test\", \"fields\": [" + fields
                        + "]}");
    }
}
