package dev.lastseen.app.cli;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.startup.LegacyState;
import dev.lastseen.state.StoreNames;
import java.io.PrintWriter;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lastseen delete-legacy-topics}: deletes the internal topics of lastseen with the registry layout v1 (before the secret-free registry)
 * that hold client secrets (its registry changelog and repartition topic). Refuses until this
 * version has run at least once (its own registry changelog exists), so the old state is not
 * deleted before the new one is being built.
 */
@Command(
        name = "delete-legacy-topics",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Delete the internal topics of lastseen with the registry layout v1 that hold client secrets (<application.id>-token-registry-changelog,",
            "<application.id>-registry-by-account-repartition). Run it once this version has rebuilt its registry",
            "(ops/RUNBOOK.md, 'Upgrade to the secret-free registry'). Without --execute, prints what it would delete."
        })
final class DeleteLegacyTopicsCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigFile config;

    @Option(names = "--execute", description = "Delete them (default: a dry run that only lists them).")
    boolean execute;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LastseenConfig cfg = config.load();
        String applicationId = ConfigFile.applicationId(cfg);
        try (Admin admin = ConfigFile.admin(cfg)) {
            Set<String> existing = admin.listTopics().names().get();
            Set<String> legacy = new TreeSet<>(LegacyState.secretBearingTopics(applicationId));
            legacy.retainAll(existing);
            if (legacy.isEmpty()) {
                out.printf("no legacy secret-bearing topics of application '%s': nothing to delete%n", applicationId);
                out.flush();
                return 0;
            }
            String current = applicationId + "-" + StoreNames.TOKEN_REGISTRY + "-changelog";
            if (!existing.contains(current)) {
                throw new IllegalStateException(
                        "'" + current + "' does not exist yet: start this version of lastseen (it rebuilds the "
                                + "registry from service-tokens) before deleting the old topics " + legacy);
            }
            legacy.forEach(t -> out.println((execute ? "deleting " : "would delete ") + t));
            if (!execute) {
                out.println("dry run: nothing deleted; add --execute to delete these topics");
                out.flush();
                return 0;
            }
            admin.deleteTopics(legacy).all().get();
            out.printf("deleted %d legacy topic(s)%n", legacy.size());
            out.flush();
            return 0;
        }
    }
}
