package dev.lastseen.app.startup;

import dev.lastseen.app.config.TopicsConfig;
import dev.lastseen.contract.TopicNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the topics against what the topology needs, from a description of the cluster's
 * topics (name → partition count): the input and output topics exist, and every account-keyed
 * internal topic that already exists has the login topic's partition count — the account
 * partitioning both field groups of an account share. (Kafka Streams creates missing internal
 * topics with that count itself; a mismatching existing one would split an account across tasks.)
 */
public final class TopicChecks {
    private TopicChecks() {}

    /** The result: the account partition count (0 when the login topic is missing) and the problems found. */
    public record Outcome(int accountPartitions, List<String> problems) {
        public Outcome {
            problems = List.copyOf(problems);
        }
    }

    /**
     * @param partitionsByTopic       partition counts of the topics that exist (those asked about)
     * @param accountKeyedInternal    full names of the account-keyed repartition topics
     */
    public static Outcome check(
            TopicNames topics, Map<String, Integer> partitionsByTopic, Set<String> accountKeyedInternal) {
        List<String> problems = new ArrayList<>();
        Map<String, String> required = new LinkedHashMap<>();
        required.put(topics.loginEvents(), TopicsConfig.LOGIN_EVENTS);
        required.put(topics.serviceTokens(), TopicsConfig.SERVICE_TOKENS);
        required.put(topics.tokenLastSeen(), TopicsConfig.TOKEN_LAST_SEEN);
        required.put(topics.authFailureAlerts(), TopicsConfig.AUTH_FAILURE_ALERTS);
        required.put(topics.deadLetter(), TopicsConfig.DLQ);
        required.forEach((topic, key) -> {
            if (!partitionsByTopic.containsKey(topic)) {
                problems.add("topic '" + topic
                        + "' does not exist: create it (ops/stack.sh up creates the contract topics) or set " + key);
            }
        });
        int accountPartitions = partitionsByTopic.getOrDefault(topics.loginEvents(), 0);
        if (accountPartitions > 0) {
            for (String internal : new TreeSet<>(accountKeyedInternal)) {
                Integer have = partitionsByTopic.get(internal);
                if (have != null && have != accountPartitions) {
                    problems.add("internal topic '" + internal + "' has " + have + " partitions but '"
                            + topics.loginEvents() + "' has "
                            + accountPartitions
                            + ", so an account's records would land in different tasks; delete it while lastseen is "
                            + "stopped (kafka-streams-application-reset, or kafka-topics --delete) so it is recreated with "
                            + accountPartitions);
                }
            }
        }
        return new Outcome(accountPartitions, problems);
    }
}
