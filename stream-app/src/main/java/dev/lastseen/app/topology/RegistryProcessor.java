package dev.lastseen.app.topology;

import dev.lastseen.state.RegistryWriter;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** The registry path's writer: connected to the registry store only. */
final class RegistryProcessor implements Processor<String, RegistryCommand, Void, Void> {
    private RegistryWriter writer;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        writer = new RegistryWriter(context.getStateStore(StoreNames.TOKEN_REGISTRY));
    }

    @Override
    public void process(Record<String, RegistryCommand> record) {
        if (record.value() instanceof RegistryCommand.Upsert u) {
            writer.upsert(new TokenKey(record.key(), u.tokenId()), u.fields());
        } else if (record.value() instanceof RegistryCommand.Delete d) {
            writer.delete(new TokenKey(record.key(), d.tokenId()));
        }
    }
}
