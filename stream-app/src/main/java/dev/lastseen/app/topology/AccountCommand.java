package dev.lastseen.app.topology;

import dev.lastseen.avro.LoginEvent;
import dev.lastseen.state.RegistryFields;

/**
 * What flows, keyed by account, into the sub-topology that owns an account's token state.
 * Logins and registry changes share one stream so that both field groups of an account live
 * in the same task (and so one instance answers per-account queries), while each kind is
 * routed to the only processor allowed to write its field group.
 *
 * <p>Public only so that the JMH benchmarks in {@code bench/} can drive this hot path directly from
 * their own package; nothing outside the topology uses it otherwise.
 */
public sealed interface AccountCommand
        permits AccountCommand.Login, AccountCommand.RegistryUpsert, AccountCommand.RegistryDelete {

    record Login(LoginEvent event) implements AccountCommand {}

    record RegistryUpsert(String tokenId, RegistryFields fields) implements AccountCommand {}

    record RegistryDelete(String tokenId) implements AccountCommand {}
}
