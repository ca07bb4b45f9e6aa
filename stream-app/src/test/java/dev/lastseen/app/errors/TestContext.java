package dev.lastseen.app.errors;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;

/** The context Kafka Streams hands an error handler, for one source record (or a punctuation: topic null). */
@SuppressWarnings("ArrayRecordComponent") // a value handed to the code under test, never compared
record TestContext(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue)
        implements ErrorHandlerContext {
    static TestContext record(String topic, int partition, long offset, byte[] key, byte[] value) {
        return new TestContext(topic, partition, offset, key, value);
    }

    static TestContext punctuation() {
        return new TestContext(null, -1, -1, null, null);
    }

    @Override
    public Headers headers() {
        return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
        return "usage-processor";
    }

    @Override
    public TaskId taskId() {
        return new TaskId(0, partition < 0 ? 0 : partition);
    }

    @Override
    public long timestamp() {
        return 0;
    }
}
