package dev.lastseen.app.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.config.TopicsConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.topology.LastseenTopology;
import dev.lastseen.app.topology.TopologySettings;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.state.TokenStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicChecksTest {
    private static final Set<String> REPARTITION =
            Set.of("app-login-by-account-repartition", "app-registry-by-account-repartition");

    private static Map<String, Integer> allContractTopics(int partitions) {
        Map<String, Integer> m = new HashMap<>();
        m.put("login-events", partitions);
        m.put("service-tokens", partitions);
        m.put("token-last-seen", partitions);
        m.put("auth-failure-alerts", partitions);
        m.put("lastseen-dlq", 1);
        return m;
    }

    @Test
    void allTopicsPresentGivesTheLoginTopicsPartitionCount() {
        TopicChecks.Outcome outcome = TopicChecks.check(TopicNames.DEFAULTS, allContractTopics(6), REPARTITION);

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.accountPartitions()).isEqualTo(6);
    }

    @Test
    void missingTopicsAreEachNamedWithTheKeyThatRenamesThem() {
        Map<String, Integer> topics = allContractTopics(6);
        topics.remove("service-tokens");
        topics.remove("lastseen-dlq");

        TopicChecks.Outcome outcome = TopicChecks.check(TopicNames.DEFAULTS, topics, REPARTITION);

        assertThat(outcome.problems()).hasSize(2);
        assertThat(outcome.problems().get(0)).contains("'service-tokens' does not exist", TopicsConfig.SERVICE_TOKENS);
        assertThat(outcome.problems().get(1)).contains("'lastseen-dlq' does not exist", TopicsConfig.DLQ);
    }

    @Test
    void anExistingRepartitionTopicWithAnotherPartitionCountIsAProblem() {
        Map<String, Integer> topics = allContractTopics(6);
        topics.put("app-login-by-account-repartition", 6);
        topics.put("app-registry-by-account-repartition", 3);

        TopicChecks.Outcome outcome = TopicChecks.check(TopicNames.DEFAULTS, topics, REPARTITION);

        assertThat(outcome.problems())
                .singleElement()
                .asString()
                .contains("'app-registry-by-account-repartition' has 3 partitions but 'login-events' has 6");
    }

    @Test
    void repartitionTopicsOfTheRealTopologyCarryTheApplicationId() {
        var config = dev.lastseen.app.config.ConfigLoader.fromMap(
                java.util.Map.of("bootstrap.servers", "broker:9092", dev.lastseen.config.RegistryConfig.URL, "mem:"));
        var topology = LastseenTopology.build(
                TopologySettings.from(config, 6, Clock.systemUTC()),
                new InMemorySchemaRegistry(),
                TokenStores.persistent(),
                new LastseenMetrics(new SimpleMeterRegistry()));

        assertThat(StartupChecks.accountKeyedRepartitionTopics("app", topology)).isEqualTo(REPARTITION);
    }
}
