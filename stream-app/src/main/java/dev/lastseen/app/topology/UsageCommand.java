package dev.lastseen.app.topology;

import dev.lastseen.avro.LoginEvent;

/**
 * What the usage writer acts on, keyed by account: login events, and the registry's
 * lifecycle of a token in the account (registered / retired). The lifecycle carries the token
 * id only — the usage path never sees a registry field.
 *
 * <p>Public only so that the JMH benchmarks in {@code bench/} can drive the usage writer directly
 * from their own package; nothing outside the topology uses it otherwise.
 */
public sealed interface UsageCommand permits UsageCommand.Login, UsageCommand.Registered, UsageCommand.Retired {

    record Login(LoginEvent event) implements UsageCommand {}

    /** The registry (re-)registered the token in this account. */
    record Registered(String tokenId) implements UsageCommand {}

    /** The registry deleted the token or moved it out of this account. */
    record Retired(String tokenId) implements UsageCommand {}

    static UsageCommand lifecycleOf(RegistryCommand change) {
        return change instanceof RegistryCommand.Delete
                ? new Retired(change.tokenId())
                : new Registered(change.tokenId());
    }
}
