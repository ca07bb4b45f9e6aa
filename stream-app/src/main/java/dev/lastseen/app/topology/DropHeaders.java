package dev.lastseen.app.topology;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Forwards each record without the headers it came with. Kafka Streams copies an input record's headers
 * to everything derived from it (repartition topics, changelogs' sources, outputs): whatever a producer of
 * service-tokens or login-events put there (an authorization header, a trace of a request) must not travel
 * into lastseen's internal topics or token-last-seen. Placed right after each source.
 */
final class DropHeaders<K, V> implements FixedKeyProcessor<K, V, V> {
    private FixedKeyProcessorContext<K, V> context;

    @Override
    public void init(FixedKeyProcessorContext<K, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, V> record) {
        context.forward(record.withHeaders(new RecordHeaders()));
    }
}
