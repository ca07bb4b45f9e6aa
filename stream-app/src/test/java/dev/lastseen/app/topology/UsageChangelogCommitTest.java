package dev.lastseen.app.topology;

import static dev.lastseen.app.topology.TopologyHarness.NOW;
import static dev.lastseen.testing.TestRecords.success;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.state.StateSerdes;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenStores;
import dev.lastseen.state.UsageFields;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The usage store's write-behind layer under exactly-once: the test driver commits after every
 * input record (prepareCommit, then the producer's transaction with the input offsets, then
 * postCommit), and its producer hands out only records of committed transactions. So a usage
 * update must be on the changelog right after the input that caused it: a layer that wrote at
 * the store commit after the transaction ({@code commit(Map)}, postCommit) would show it one
 * commit late, after the offsets of its input were committed.
 */
class UsageChangelogCommitTest {
    private static final String ACCOUNT = "acct-1";
    private static final String TOKEN = "tok-1";

    @AutoClose
    private final TopologyHarness h = new TopologyHarness(
            TokenStores.persistent(), Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2));

    @Test
    void eachLoginsUsageUpdateIsOnTheChangelogInTheTransactionThatCommitsTheLogin() {
        h.logins.pipeInput(TOKEN, success(ACCOUNT, TOKEN, NOW));
        assertThat(usageChangelog())
                .singleElement()
                .satisfies(u -> assertThat(u.lastSeenAt()).isEqualTo(NOW.toEpochMilli()));

        h.logins.pipeInput(TOKEN, success(ACCOUNT, TOKEN, NOW.plusSeconds(5)));
        h.logins.pipeInput(TOKEN, success(ACCOUNT, TOKEN, NOW.plusSeconds(9)));
        assertThat(usageChangelog())
                .extracting(UsageFields::lastSeenAt)
                .containsExactly(
                        NOW.plusSeconds(5).toEpochMilli(), NOW.plusSeconds(9).toEpochMilli());
    }

    /** The usage store's changelog records of the token produced since the last call, decoded. */
    private List<UsageFields> usageChangelog() {
        String changelog = h.driver.producedTopicNames().stream()
                .filter(t -> t.endsWith("-" + StoreNames.TOKEN_USAGE + "-changelog"))
                .findFirst()
                .orElse("lastseen-" + StoreNames.TOKEN_USAGE + "-changelog");
        TokenKey key = new TokenKey(ACCOUNT, TOKEN);
        return h
                .driver
                .createOutputTopic(
                        changelog,
                        StateSerdes.tokenKey().deserializer(),
                        StateSerdes.usage().deserializer())
                .readRecordsToList()
                .stream()
                .filter(r -> key.equals(r.key()))
                .map(TestRecord::value)
                .toList();
    }
}
