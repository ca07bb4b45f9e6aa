package dev.lastseen.app.cli;

import dev.lastseen.app.RegistryClients;
import dev.lastseen.app.audit.FileScan;
import dev.lastseen.app.audit.Finding;
import dev.lastseen.app.audit.RegistrySecrets;
import dev.lastseen.app.audit.SecretAudit;
import dev.lastseen.app.audit.TopicScan;
import dev.lastseen.app.config.ClientConfigs;
import dev.lastseen.app.config.LastseenConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lastseen audit-secrets}: checks lastseen's promise on a deployment. Reads every secret
 * the registry published (service-tokens, into memory only), then every topic lastseen writes
 * and, optionally, state directories, and reports each place one of those secrets occurs — by
 * token id and location, never the secret itself.
 */
@Command(
        name = "audit-secrets",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Check that lastseen holds no secret: read every value of the secret fields on the service-tokens topic (in memory only),",
            "then look for them in every topic lastseen writes (outputs, dead letters, every <application.id>-* internal topic:",
            "keys, values and headers, through a consumer, so compression hides nothing) and in the given state directories.",
            "The secret fields are lastseen.secret.fields (default client_secret_hash: the fields the decoder refuses to carry); it warns about any",
            "string field of a writer schema that looks like a secret and is not one of them.",
            "Exit code 0: none found; 1: found (each occurrence is printed by token id and location, never the secret);",
            "2: the audit could not run (the registry unreachable or refusing its credentials, Kafka, configuration);",
            "3: incomplete: records on service-tokens it could not decode, or no secret to look for."
        })
final class AuditSecretsCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FOUND = 1;
    static final int EXIT_COULD_NOT_RUN = 2;
    static final int EXIT_INCOMPLETE = 3;

    @CommandLine.Mixin
    ConfigFile config;

    @Option(
            names = "--state-dir",
            description = "A state directory to scan as well (an instance's state.dir); repeatable.")
    List<Path> stateDirs = new ArrayList<>();

    @Option(
            names = "--timeout",
            defaultValue = "PT30M",
            description = "Bound on reading each topic set (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (Path dir : stateDirs) {
            if (!Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--state-dir " + dir + " is not a directory");
            }
        }
        LastseenConfig cfg = config.load();
        var reader = ClientConfigs.reader(cfg, "read_uncommitted");
        RegistrySecrets.Loaded secrets;
        try {
            secrets = RegistrySecrets.read(cfg, reader, RegistryClients.create(cfg.registry()), timeout);
        } catch (RegistrySecrets.Unreadable e) {
            out.println("FAILED: " + e.getMessage());
            out.flush();
            return EXIT_COULD_NOT_RUN;
        }
        out.printf(
                "secrets: %d distinct from %d records on %s (%d undecodable, %d too short or placeholders: not looked for)"
                        + " in fields %s%n",
                secrets.index().size(),
                secrets.records(),
                cfg.topics().serviceTokens(),
                secrets.undecodable(),
                secrets.tooShortOrPlaceholder(),
                String.join(", ", cfg.secrets().fields()));
        for (String warning : secrets.warnings()) {
            out.println("WARNING: " + warning);
        }
        if (secrets.index().size() == 0) {
            out.println("INCOMPLETE: no secret to look for on " + cfg.topics().serviceTokens()
                    + " (empty topic, every value too short or a placeholder, or lastseen.secret.fields names no field"
                    + " the records have): nothing was checked");
            out.flush();
            return EXIT_INCOMPLETE;
        }

        Set<String> topics;
        try (Admin admin = ConfigFile.admin(cfg)) {
            topics = SecretAudit.topicsWritten(
                    cfg,
                    admin.listTopics(new ListTopicsOptions().listInternal(false))
                            .names()
                            .get());
        }
        List<Finding> findings = new ArrayList<>();
        TopicScan.Result scanned = TopicScan.scan(reader, List.copyOf(topics), secrets.index(), timeout);
        findings.addAll(scanned.findings());
        out.printf(
                "topics: %d records read from %d topics: %s%n",
                scanned.records(), topics.size(), String.join(", ", topics));
        for (Path dir : stateDirs) {
            FileScan.Result files = FileScan.scan(dir, secrets.index(), secrets.longestBytes());
            findings.addAll(files.findings());
            out.printf("files: %d files (%d bytes) read under %s%n", files.files(), files.bytes(), dir);
        }
        for (Finding f : findings) {
            out.println("FOUND " + f);
        }
        if (!findings.isEmpty()) {
            out.println("FAILED: " + findings.size() + " occurrence(s) of secrets found");
            out.flush();
            return EXIT_FOUND;
        }
        if (secrets.undecodable() > 0) {
            out.println("INCOMPLETE: no secret found, but " + secrets.undecodable() + " record(s) on "
                    + cfg.topics().serviceTokens() + " could not be decoded, so their secrets were not looked for");
            out.flush();
            return EXIT_INCOMPLETE;
        }
        out.println("OK: no secret found");
        out.flush();
        return EXIT_OK;
    }
}
