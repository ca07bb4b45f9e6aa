package dev.lastseen.app.topology;

import dev.lastseen.app.errors.RejectReason;
import dev.lastseen.app.errors.RejectedRecordException;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.state.RegistryFields;
import dev.lastseen.state.StoreNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns the token-keyed registry topic into account-keyed commands. A tombstone carries no
 * account, so the token → account index remembers where each token lives; a token that moves
 * account is deleted from the old one.
 */
final class TokenAccountIndexProcessor implements Processor<String, ServiceToken, String, AccountCommand> {
    private ProcessorContext<String, AccountCommand> context;
    private KeyValueStore<String, String> accountByToken;

    @Override
    public void init(ProcessorContext<String, AccountCommand> context) {
        this.context = context;
        this.accountByToken = context.getStateStore(StoreNames.TOKEN_ACCOUNT_INDEX);
    }

    @Override
    public void process(Record<String, ServiceToken> record) {
        String tokenId = record.key();
        ServiceToken token = record.value();
        if (token == null) {
            if (tokenId == null) {
                throw new RejectedRecordException(
                        RejectReason.INVALID_ID, "ServiceToken tombstone has a null key: no token to delete");
            }
            String account = accountByToken.get(tokenId);
            if (account != null) {
                accountByToken.delete(tokenId);
                context.forward(record.withKey(account).withValue(new AccountCommand.RegistryDelete(tokenId)));
            }
            return;
        }
        if (!token.getTokenId().equals(tokenId)) {
            throw new RejectedRecordException(
                    RejectReason.KEY_MISMATCH,
                    "ServiceToken key does not equal its token_id: the topic must be keyed by token_id");
        }
        String previousAccount = accountByToken.get(tokenId);
        if (previousAccount != null && !previousAccount.equals(token.getAccountId())) {
            context.forward(record.withKey(previousAccount).withValue(new AccountCommand.RegistryDelete(tokenId)));
        }
        if (!token.getAccountId().equals(previousAccount)) {
            accountByToken.put(tokenId, token.getAccountId());
        }
        RegistryFields fields = new RegistryFields(
                token.getName(),
                token.getClientId(),
                token.getClientSecretHash(),
                token.getCreatedAt().toEpochMilli(),
                token.getExpiresAt() == null ? null : token.getExpiresAt().toEpochMilli());
        context.forward(
                record.withKey(token.getAccountId()).withValue(new AccountCommand.RegistryUpsert(tokenId, fields)));
    }
}
