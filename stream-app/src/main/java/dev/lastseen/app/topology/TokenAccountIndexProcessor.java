package dev.lastseen.app.topology;

import dev.lastseen.app.errors.RejectedRecordException;
import dev.lastseen.serde.InputRejectReason;
import dev.lastseen.state.StoreNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns the token-keyed registry topic into account-keyed commands. A tombstone carries no
 * account, so the token → account index remembers where each token lives; a token that moves
 * account is deleted from the old one. Its input is already secret-free ({@link TokenRegistration}).
 */
final class TokenAccountIndexProcessor implements Processor<String, TokenRegistration, String, RegistryCommand> {
    private ProcessorContext<String, RegistryCommand> context;
    private KeyValueStore<String, String> accountByToken;

    @Override
    public void init(ProcessorContext<String, RegistryCommand> context) {
        this.context = context;
        this.accountByToken = context.getStateStore(StoreNames.TOKEN_ACCOUNT_INDEX);
    }

    @Override
    public void process(Record<String, TokenRegistration> record) {
        String tokenId = record.key();
        TokenRegistration token = record.value();
        if (token == null) {
            if (tokenId == null) {
                throw new RejectedRecordException(
                        InputRejectReason.INVALID_ID, "ServiceToken tombstone has a null key: no token to delete");
            }
            String account = accountByToken.get(tokenId);
            if (account != null) {
                accountByToken.delete(tokenId);
                context.forward(record.withKey(account).withValue(new RegistryCommand.Delete(tokenId)));
            }
            return;
        }
        if (!token.tokenId().equals(tokenId)) {
            throw new RejectedRecordException(
                    InputRejectReason.KEY_MISMATCH,
                    "ServiceToken key does not equal its token_id: the topic must be keyed by token_id");
        }
        String previousAccount = accountByToken.get(tokenId);
        if (previousAccount != null && !previousAccount.equals(token.accountId())) {
            context.forward(record.withKey(previousAccount).withValue(new RegistryCommand.Delete(tokenId)));
        }
        if (!token.accountId().equals(previousAccount)) {
            accountByToken.put(tokenId, token.accountId());
        }
        context.forward(
                record.withKey(token.accountId()).withValue(new RegistryCommand.Upsert(tokenId, token.fields())));
    }
}
