package dev.lastseen.app.topology;

import dev.lastseen.state.RegistryFields;

/**
 * A registry change for one token, keyed by its account: what flows through the internal
 * registry-by-account topic to the only processor that writes the registry group. It carries
 * the secret-free registry fields: there is no way to express a secret here.
 */
sealed interface RegistryCommand permits RegistryCommand.Upsert, RegistryCommand.Delete {

    String tokenId();

    /** The account's token now has these registry fields. */
    record Upsert(String tokenId, RegistryFields fields) implements RegistryCommand {}

    /** The token is no longer in this account: deleted by the registry, or moved to another account. */
    record Delete(String tokenId) implements RegistryCommand {}
}
