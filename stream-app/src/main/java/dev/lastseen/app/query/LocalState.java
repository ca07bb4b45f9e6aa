package dev.lastseen.app.query;

import dev.lastseen.state.TokenReadView;
import java.util.OptionalLong;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * What the query service needs from the local Kafka Streams client: where an account lives,
 * and this instance's copy of a partition. An interface so the routing logic can be tested
 * against scripted metadata; {@link KafkaStreamsLocalState} is the real one.
 */
public interface LocalState {

    /** Where the account's partition is hosted; {@link KeyQueryMetadata#NOT_AVAILABLE} while unknown (starting, rebalancing). */
    KeyQueryMetadata metadataFor(String accountId);

    /**
     * A read view over this instance's copy of the partition.
     *
     * @param stale false: only the active, fully restored copy; true: also a standby or a restoring active
     * @throws InvalidStateStoreException when this instance has no such copy right now (migrating, closed)
     */
    TokenReadView view(int partition, boolean stale);

    /** How many changelog records this instance's copy of the partition is behind, when known. */
    OptionalLong lag(int partition);

    /**
     * Whether this instance's copy of the partition has applied its whole changelog: Kafka Streams reports an
     * active task that runs (not restoring) 0 records behind, one that restores by what it has yet to read.
     *
     * @param fresh true: asks the broker for the changelog's end now; false: a lag up to a moment old will do
     */
    boolean caughtUp(int partition, boolean fresh);

    /** The client's state; a client that will never serve again (ERROR, NOT_RUNNING) is not worth waiting for. */
    KafkaStreams.State state();
}
