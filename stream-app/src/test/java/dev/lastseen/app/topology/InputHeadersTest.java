package dev.lastseen.app.topology;

import static dev.lastseen.app.topology.TopologyHarness.NOW;
import static dev.lastseen.testing.TestRecords.success;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Headers of input records travel nowhere: not into repartition or changelog topics, not into token-last-seen. */
class InputHeadersTest {
    @AutoClose
    private final TopologyHarness h = new TopologyHarness();

    private static RecordHeaders inputHeaders(String tag) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("authorization", ("Bearer input-" + tag).getBytes(StandardCharsets.UTF_8));
        headers.add("x-input-" + tag, "from the producer".getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    @Test
    void noHeaderOfAServiceTokenOrALoginReachesAnyTopicTheTopologyWrites() {
        h.tokens.pipeInput(new TestRecord<>("tok-1", TopologyHarness.token("acct-1", "tok-1"), inputHeaders("token")));
        // Keyed by account (no repartition) and keyed by token (through the login repartition topic).
        h.logins.pipeInput(
                new TestRecord<>("acct-1", success("acct-1", "tok-1", NOW.minusSeconds(20)), inputHeaders("keyed")));
        h.logins.pipeInput(
                new TestRecord<>("tok-1", success("acct-1", "tok-1", NOW.minusSeconds(10)), inputHeaders("rekeyed")));

        List<TestRecord<byte[], byte[]>> written = h.drainEveryProducedTopic();

        assertThat(written)
                .as("records on repartition, changelog and output topics")
                .hasSizeGreaterThan(3);
        assertThat(written)
                .flatExtracting(r -> List.of(r.headers().toArray()))
                .extracting(Header::key)
                .doesNotContain("authorization", "x-input-token", "x-input-keyed", "x-input-rekeyed");
    }
}
