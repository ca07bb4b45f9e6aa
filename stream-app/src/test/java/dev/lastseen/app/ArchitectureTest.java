package dev.lastseen.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.lastseen.avro.ServiceToken;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The package dependencies of the product point one way; the build fails when a change breaks one
 * of these rules. Product = the main classes of stream-app, state-store, avro and common (tests excluded).
 *
 * <pre>
 *   cli ─> app (wiring: LastseenServer, LastseenApp, Readiness) ─> http ─> query ─> state (read view)
 *                                                                  └─> access (API key file) ─> thresholds (live files)
 *    └─> startup ─> topology, spikes ─> thresholds, metrics ─> errors
 *   everything ─> config ─> state;  avro, serde, registry below;  common (JDK only) at the bottom
 *   wiring (ApplyServer) ─> applier (db-applier: `lastseen apply`) ─> avro, serde, registry, config
 * </pre>
 */
class ArchitectureTest {
    private static final String APP = "dev.lastseen.app";
    private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!/.*");
    private static final List<String> PRODUCT_PACKAGES = List.of(
            APP,
            "dev.lastseen.state",
            "dev.lastseen.avro",
            "dev.lastseen.serde",
            "dev.lastseen.registry",
            "dev.lastseen.applier",
            "dev.lastseen.config",
            "dev.lastseen.contract",
            "dev.lastseen.common");
    /**
     * Main classes only, whether Maven hands the other modules over as target/classes (test) or as
     * jars (package and later): test classes and the modules' test-jars are left out.
     */
    private static final ImportOption MAIN_CLASSES_ONLY =
            location -> ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location) && !location.matches(TEST_JAR);

    private static final JavaClasses PRODUCT =
            new ClassFileImporter().withImportOption(MAIN_CLASSES_ONLY).importPackages(PRODUCT_PACKAGES);

    @Test
    void everyRuleSeesTheWholeProduct() {
        // Without this a rule could pass on an empty import (e.g. a module's classes not found).
        for (String pkg : PRODUCT_PACKAGES) {
            assertThat(PRODUCT.containPackage(pkg))
                    .as("classes of %s imported", pkg)
                    .isTrue();
        }
        assertThat(PRODUCT.stream()
                        .map(c -> c.getSource()
                                .map(source -> source.getUri().toString())
                                .orElse("")))
                .noneMatch(uri -> uri.contains("/test-classes/") || uri.contains("-tests.jar!"));
    }

    /**
     * Configuration keys are declared only by the configuration types: one small {@code *Config} type
     * per concern (and the loaders that compose them), in the configuration packages ({@code
     * dev.lastseen.config}: what both commands share; {@code dev.lastseen.app.config}: {@code run}'s)
     * or, for {@code apply}, next to the applier it configures.
     */
    @Test
    void configurationIsDeclaredOnlyByConfigurationTypesInTheirPackages() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.lastseen.config..", APP + ".config..", "dev.lastseen.applier")
                .or()
                .haveNameNotMatching(".*Config(Loader)?(\\$.*)?")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(ConfigDef.class)
                .check(PRODUCT);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.lastseen.(**)").should().beFreeOfCycles().check(PRODUCT);
    }

    @Test
    void layersAreUsedOnlyFromAbove() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Cli")
                .definedBy(APP + ".cli..")
                .layer("Wiring")
                .definedBy(APP)
                .layer("Startup")
                .definedBy(APP + ".startup..")
                .layer("Http")
                .definedBy(APP + ".http..")
                .layer("Query")
                .definedBy(APP + ".query..")
                .layer("Topology")
                .definedBy(APP + ".topology..", APP + ".spikes..")
                .layer("Access")
                .definedBy(APP + ".access..")
                .layer("Thresholds")
                .definedBy(APP + ".thresholds..")
                .layer("Metrics")
                .definedBy(APP + ".metrics..")
                .layer("Errors")
                .definedBy(APP + ".errors..")
                .layer("Config")
                .definedBy(APP + ".config..")
                .layer("State")
                .definedBy("dev.lastseen.state..")
                .whereLayer("Cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Wiring")
                .mayOnlyBeAccessedByLayers("Cli")
                .whereLayer("Startup")
                .mayOnlyBeAccessedByLayers("Cli")
                .whereLayer("Http")
                .mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Query")
                .mayOnlyBeAccessedByLayers("Wiring", "Http")
                .whereLayer("Topology")
                .mayOnlyBeAccessedByLayers("Wiring", "Startup")
                .whereLayer("Access")
                .mayOnlyBeAccessedByLayers("Cli", "Wiring", "Http")
                .whereLayer("Thresholds")
                .mayOnlyBeAccessedByLayers("Wiring", "Topology", "Access")
                .whereLayer("Metrics")
                .mayOnlyBeAccessedByLayers("Wiring", "Startup", "Topology")
                .whereLayer("Errors")
                .mayOnlyBeAccessedByLayers("Wiring", "Topology", "Metrics")
                .whereLayer("Config")
                .mayOnlyAccessLayers("State")
                .whereLayer("State")
                .mayNotAccessAnyLayer()
                .check(PRODUCT);
    }

    @Test
    void theQueryPathNeverReachesBackIntoHttpOrTheTopology() {
        noClasses()
                .that()
                .resideInAPackage(APP + ".query..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(APP + ".http..", APP + ".topology..", APP + ".spikes..")
                .because("http -> query -> the state's read view, never back")
                .check(PRODUCT);
    }

    @Test
    void theTopologyKnowsNothingOfServingOrStartingUp() {
        noClasses()
                .that()
                .resideInAnyPackage(APP + ".topology..", APP + ".spikes..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(APP, APP + ".http..", APP + ".query..", APP + ".cli..", APP + ".startup..")
                .because("one topology factory that tests drive, whatever serves or starts it")
                .check(PRODUCT);
    }

    @Test
    void theSharedHelpersNeedNothingButTheJdk() {
        noClasses()
                .that()
                .resideInAPackage("dev.lastseen.common..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("dev.lastseen.common..", "java..")
                .because("common is the bottom module every other module may use: the JDK only")
                .check(PRODUCT);
    }

    @Test
    void theProductDependsOnNoDeveloperTool() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.lastseen.devtools..")
                .because("dev-tools depends on the product, never the reverse")
                .check(PRODUCT);
    }

    @Test
    void onlyTheTopologyWritesTokenState() {
        noClasses()
                .that()
                .resideOutsideOfPackages(APP + ".topology..", "dev.lastseen.state..")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("UsageWriter")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleName("RegistryWriter")
                .because("each field group has one writer, a processor of the topology")
                .check(PRODUCT);
    }

    @Test
    void theUsagePathNeverTouchesRegistryFields() {
        noClasses()
                .that()
                .haveSimpleName("UsageProcessor")
                .or()
                .haveSimpleName("UsageWriter")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("RegistryFields")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleName("RegistryWriter")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleName("ServiceToken")
                .because("the login path never holds a registry record (or its secret)")
                .check(PRODUCT);
    }

    /**
     * The edge checks the secret and drops it; besides it, only the audit (which must know the
     * secrets to look for them) may read one. A build-time guarantee, not a convention.
     */
    @Test
    void onlyTheEdgeAndTheAuditReadAClientSecretHash() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(APP + ".topology.ServiceTokenValidator")
                .and()
                .doNotHaveFullyQualifiedName(APP + ".audit.RegistrySecrets")
                .and()
                .resideOutsideOfPackage("dev.lastseen.avro..")
                .should()
                .callMethod(ServiceToken.class, "getClientSecretHash")
                .orShould()
                .callMethod(ServiceToken.class, "get", int.class)
                .orShould()
                .callMethod(ServiceToken.Builder.class, "getClientSecretHash")
                .because("lastseen never holds, copies or emits a secret: it is checked where it is decoded, then gone")
                .check(PRODUCT);
    }

    /**
     * No product class holds a decoded ServiceToken but the edge (decode, check, project) and the
     * audit; the start-up checks read its schema only. Everything downstream has TokenRegistration.
     */
    @Test
    void aDecodedServiceTokenNeverLeavesTheEdge() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.lastseen.avro..")
                .and()
                .doNotHaveFullyQualifiedName(APP + ".topology.ServiceTokenDecoder")
                .and()
                .doNotHaveFullyQualifiedName(APP + ".topology.ServiceTokenValidator")
                .and()
                .doNotHaveFullyQualifiedName(APP + ".topology.TokenRegistration")
                .and()
                .doNotHaveFullyQualifiedName(APP + ".audit.RegistrySecrets")
                .and()
                .doNotHaveFullyQualifiedName(APP + ".startup.SchemaChecks")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(ServiceToken.class)
                .because("the service-tokens record is projected to its secret-free fields where it is decoded")
                .check(PRODUCT);
    }
}
