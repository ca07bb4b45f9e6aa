package dev.lastseen.app.cli;

import dev.lastseen.app.config.LastseenConfig;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lastseen rebuild-registry}: resets the application's committed offsets on the
 * service-tokens topic — and only there — to the earliest, so the next start re-reads the
 * compacted registry and rebuilds the registry store from it. Login offsets are left alone, so
 * usage is neither lost nor counted twice. Refuses while any instance of the group is running.
 */
@Command(
        name = "rebuild-registry",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Make the next start rebuild the registry store from the service-tokens topic: reset the application's",
            "committed offsets on that topic (only) to the earliest. Every instance must be stopped. Without --execute,",
            "prints what it would do. The same as Kafka's kafka-consumer-groups.sh --reset-offsets --to-earliest",
            "--group <application.id> --topic <service-tokens topic> --execute."
        })
final class RebuildRegistryCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigFile config;

    @Option(names = "--execute", description = "Reset the offsets (default: a dry run that only prints them).")
    boolean execute;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LastseenConfig cfg = config.load();
        String group = ConfigFile.applicationId(cfg);
        String topic = cfg.topics().serviceTokens();
        try (Admin admin = ConfigFile.admin(cfg)) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(java.util.List.of(group))
                    .describedGroups()
                    .get(group)
                    .get();
            if (!description.members().isEmpty()) {
                throw new IllegalStateException("group '" + group + "' has "
                        + description.members().size() + " active member(s): stop every lastseen instance first");
            }
            Map<TopicPartition, OffsetAndMetadata> committed =
                    new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
            admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .forEach((tp, o) -> {
                        if (tp.topic().equals(topic) && o != null) {
                            committed.put(tp, o);
                        }
                    });
            if (committed.isEmpty()) {
                out.printf(
                        "group '%s' has no committed offsets on '%s': the next start reads it from the beginning anyway%n",
                        group, topic);
                out.flush();
                return 0;
            }
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            committed.keySet().forEach(tp -> ask.put(tp, OffsetSpec.earliest()));
            Map<TopicPartition, OffsetAndMetadata> earliest = new HashMap<>();
            admin.listOffsets(ask)
                    .all()
                    .get()
                    .forEach((tp, info) -> earliest.put(tp, new OffsetAndMetadata(info.offset())));
            committed.forEach((tp, o) -> out.printf(
                    "%s: %d -> %d%n", tp, o.offset(), earliest.get(tp).offset()));
            if (!execute) {
                out.println("dry run: nothing changed; add --execute to reset these offsets");
                out.flush();
                return 0;
            }
            admin.alterConsumerGroupOffsets(group, earliest).all().get();
            out.printf(
                    "reset %d partition(s) of '%s' for group '%s': the next start rebuilds the registry store%n",
                    earliest.size(), topic, group);
            out.flush();
            return 0;
        }
    }
}
