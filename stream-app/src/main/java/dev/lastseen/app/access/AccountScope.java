package dev.lastseen.app.access;

import java.util.Set;

/**
 * The accounts one API key may read: a fixed set, or every account — only when the key file says
 * {@code *} in so many words (an empty or missing list is an error there, never "all").
 */
public record AccountScope(boolean everyAccount, Set<String> accounts) {
    public static final AccountScope EVERY_ACCOUNT = new AccountScope(true, Set.of());

    public AccountScope {
        accounts = Set.copyOf(accounts);
    }

    public static AccountScope of(Set<String> accounts) {
        return new AccountScope(false, accounts);
    }

    public boolean allows(String accountId) {
        return everyAccount || accounts.contains(accountId);
    }
}
