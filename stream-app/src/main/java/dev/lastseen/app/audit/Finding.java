package dev.lastseen.app.audit;

/**
 * One place a secret was found: a topic record (topic, partition, offset, and which part: key,
 * value or a header) or a file (path and byte offset). {@code secretOf} is the secret's label —
 * the token id whose secret it is — never the secret.
 */
public record Finding(String where, String secretOf) {
    static Finding inRecord(String topic, int partition, long offset, String part, String secretOf) {
        return new Finding(
                "topic " + topic + " partition " + partition + " offset " + offset + " (" + part + ")", secretOf);
    }

    static Finding inFile(String path, long offset, String secretOf) {
        return new Finding("file " + path + " at byte " + offset, secretOf);
    }

    @Override
    public String toString() {
        return "secret of token " + secretOf + " in " + where;
    }
}
