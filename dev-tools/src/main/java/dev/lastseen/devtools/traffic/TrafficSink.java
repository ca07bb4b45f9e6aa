package dev.lastseen.devtools.traffic;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;

/** Where the load generator's records go: Kafka in production, a list in tests. */
public interface TrafficSink extends AutoCloseable {
    /** Publishes a registry record keyed by token id; may block when the sink is full. */
    void registry(String tokenId, ServiceToken token);

    /** Publishes a login keyed by account id; may block when the sink is full. */
    void login(String accountId, LoginEvent event);

    /** Waits until everything sent so far is acknowledged or failed. */
    void flush();

    /** Records acknowledged so far. */
    long acked();

    /** Records that failed so far. */
    long failed();

    /** The first failure's message, or null. */
    String firstFailure();

    @Override
    void close();
}
