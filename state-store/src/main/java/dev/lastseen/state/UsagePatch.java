package dev.lastseen.state;

/** A field-level usage update for downstream: the contents of one TokenLastSeen record. */
public record UsagePatch(String accountId, String tokenId, long lastSeenAt, String lastSeenColo, String lastSeenIp) {}
