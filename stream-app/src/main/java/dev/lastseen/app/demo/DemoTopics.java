package dev.lastseen.app.demo;

import dev.lastseen.app.config.TopicNames;
import dev.lastseen.app.kafka.EmbeddedKraftBroker;
import java.util.Map;

/** The contract's topics, as the demo creates them on its in-process broker. */
final class DemoTopics {
    static final int PARTITIONS = 3;

    private DemoTopics() {
    }

    static void create(EmbeddedKraftBroker broker, TopicNames topics) {
        Map<String, String> compact = Map.of("cleanup.policy", "compact");
        broker.createTopic(topics.loginEvents(), PARTITIONS, Map.of());
        broker.createTopic(topics.serviceTokens(), PARTITIONS, compact);
        broker.createTopic(topics.tokenLastSeen(), PARTITIONS, compact);
        broker.createTopic(topics.authFailureAlerts(), PARTITIONS, Map.of());
        broker.createTopic(topics.deadLetter(), 1, Map.of());
    }
}
