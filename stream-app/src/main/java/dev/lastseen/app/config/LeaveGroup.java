package dev.lastseen.app.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether a planned shutdown leaves the consumer group at once ({@code lastseen.shutdown.leave-group}).
 * Leaving starts a rebalance now, so the instance's tasks move to the others (their standbys) at once;
 * staying keeps the tasks assigned to this instance until it is back or its session expires.
 */
public enum LeaveGroup {
    /** A dynamic member leaves (it comes back as a new member anyway); a static member stays. */
    AUTO,
    ALWAYS,
    NEVER;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] codes() {
        return Arrays.stream(values()).map(LeaveGroup::code).toArray(String[]::new);
    }

    static LeaveGroup fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }

    /** Whether an instance with (or without) a static identity leaves the group on a planned shutdown. */
    public boolean leaves(boolean staticMember) {
        return switch (this) {
            case AUTO -> !staticMember;
            case ALWAYS -> true;
            case NEVER -> false;
        };
    }
}
