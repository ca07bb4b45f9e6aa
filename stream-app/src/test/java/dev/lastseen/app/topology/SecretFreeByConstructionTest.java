package dev.lastseen.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.avro.ServiceToken;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.TokenView;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The secret cannot travel past the edge because nothing can express it: the build fails if a
 * class other than the edge validator reads {@code client_secret_hash}, or if a type that carries
 * registry data downstream of the edge gains a secret-like component.
 */
class SecretFreeByConstructionTest {
    /**
     * The edge; the audit, whose job is to look for the secrets; and the generated class itself
     * (its builder copies fields between instances).
     */
    private static final Set<String> MAY_READ_THE_SECRET = Set.of(
            "dev/lastseen/app/topology/ServiceTokenValidator.class",
            "dev/lastseen/app/audit/RegistrySecrets.class",
            "dev/lastseen/avro/ServiceToken.class",
            "dev/lastseen/avro/ServiceToken$Builder.class");

    @Test
    void onlyTheEdgeValidatorAndTheAuditReadClientSecretHash() throws Exception {
        Set<String> readers = new TreeSet<>();
        int scanned = 0;
        for (Class<?> inModule : new Class<?>[] {
            LastseenTopology.class, RegistryFields.class, SpecificAvroDeserializer.class, ServiceToken.class
        }) {
            Path location = Path.of(
                    inModule.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (ClassFile c : classFiles(location)) {
                scanned++;
                if (new String(c.bytes(), StandardCharsets.ISO_8859_1).contains("getClientSecretHash")) {
                    readers.add(c.name());
                }
            }
        }
        assertThat(scanned).as("class files scanned").isGreaterThan(100);
        assertThat(readers)
                .as("classes that call ServiceToken.getClientSecretHash")
                .containsExactlyInAnyOrderElementsOf(MAY_READ_THE_SECRET);
    }

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

    private record ClassFile(String name, byte[] bytes) {}

    private static Iterable<ClassFile> classFiles(Path location) throws IOException, URISyntaxException {
        java.util.List<ClassFile> out = new java.util.ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    out.add(new ClassFile(location.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p)));
                }
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (var entry : java.util.Collections.list(jar.entries())) {
                    if (entry.getName().endsWith(".class")) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            out.add(new ClassFile(entry.getName(), in.readAllBytes()));
                        }
                    }
                }
            }
        }
        return out;
    }
}
