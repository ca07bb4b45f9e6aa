package dev.lastseen.devtools.kafka;

import dev.lastseen.contract.TopicNames;
import java.util.Map;

/**
 * The contract's topics with their policies (compacted registry and patch topics), as the demo
 * and the tests create them on an in-process broker. The real stack creates the same in
 * {@code ops/stack.sh}.
 */
public final class ContractTopics {
    private ContractTopics() {}

    /** Creates every topic (idempotent); the dead-letter topic gets one partition. */
    public static void create(EmbeddedKraftBroker broker, TopicNames topics, int partitions) {
        Map<String, String> compact = Map.of("cleanup.policy", "compact");
        broker.createTopic(topics.loginEvents(), partitions, Map.of());
        broker.createTopic(topics.serviceTokens(), partitions, compact);
        broker.createTopic(topics.tokenLastSeen(), partitions, compact);
        broker.createTopic(topics.authFailureAlerts(), partitions, Map.of());
        broker.createTopic(topics.deadLetter(), 1, Map.of());
    }
}
