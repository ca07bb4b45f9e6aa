package dev.lastseen.applier;

import dev.lastseen.avro.Identifiers;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.PatchRejectReason;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.WireFormatException;
import java.time.Clock;
import java.time.Duration;

/**
 * Reads one {@code token-last-seen} record into a {@link Patch}, or says why it cannot be
 * applied. Bounds are checked before decoding; the rules (the product's id rule,
 * {@link Identifiers}) match the usage table's CHECK constraints, so a patch that passes here never makes the database refuse a batch. A registry
 * that cannot be reached is not a verdict on the record: its exception propagates and the batch
 * is retried. Messages name the field and the bound, never the value.
 */
final class PatchReader {
    static final int MAX_COLO_LENGTH = 64;
    static final int MAX_IP_LENGTH = 45;
    private static final String RECORD = "TokenLastSeen";

    private final SpecificAvroDeserializer<TokenLastSeen> decoder;
    private final Clock clock;
    private final long skewAllowanceMillis;
    private final int maxRecordBytes;

    PatchReader(SchemaRegistryClient registry, Clock clock, Duration clockSkewAllowance, int maxRecordBytes) {
        this.decoder = new SpecificAvroDeserializer<>(registry, TokenLastSeen.class);
        this.clock = clock;
        this.skewAllowanceMillis = clockSkewAllowance.toMillis();
        this.maxRecordBytes = maxRecordBytes;
    }

    /** A patch, or the reason the record is dead-lettered. */
    sealed interface Outcome permits Valid, Rejected {}

    record Valid(Patch patch) implements Outcome {}

    /** @param exceptionClass what rejected it, for the dead-letter headers: the decoder's exception, or this class for a rule */
    record Rejected(PatchRejectReason reason, String exceptionClass, String message) implements Outcome {
        static Rejected of(PatchRejectReason reason, String message) {
            return new Rejected(reason, PatchReader.class.getName(), message);
        }
    }

    Outcome read(String topic, byte[] value) {
        if (value == null) {
            return Rejected.of(
                    PatchRejectReason.NULL_VALUE, topic + ": record has a null value (patches are never deleted)");
        }
        if (value.length > maxRecordBytes) {
            return Rejected.of(
                    PatchRejectReason.TOO_LARGE,
                    topic + ": record value is " + value.length + " bytes, over the bound of " + maxRecordBytes);
        }
        TokenLastSeen patch;
        try {
            patch = decoder.deserialize(topic, value);
        } catch (WireFormatException e) {
            return new Rejected(reasonOf(e.kind()), e.getClass().getName(), e.getMessage());
        }
        return validate(patch);
    }

    private Outcome validate(TokenLastSeen p) {
        String idProblem = Identifiers.problem(p.getTokenId());
        if (idProblem != null) {
            return Rejected.of(PatchRejectReason.INVALID_ID, RECORD + ".token_id " + idProblem);
        }
        long at = p.getLastSeenAt().toEpochMilli();
        if (at <= 0) {
            return Rejected.of(PatchRejectReason.INVALID_TIMESTAMP, RECORD + ".last_seen_at is not after the epoch");
        }
        long now = clock.millis();
        if (at > now + skewAllowanceMillis) {
            return Rejected.of(
                    PatchRejectReason.FUTURE_TIMESTAMP,
                    RECORD + ".last_seen_at is " + (at - now) + " ms in the future, beyond the clock-skew allowance of "
                            + skewAllowanceMillis + " ms");
        }
        Rejected field = bounded("last_seen_colo", p.getLastSeenColo(), MAX_COLO_LENGTH);
        if (field == null) {
            field = bounded("last_seen_ip", p.getLastSeenIp(), MAX_IP_LENGTH);
        }
        if (field != null) {
            return field;
        }
        return new Valid(new Patch(p.getTokenId(), at, p.getLastSeenColo(), p.getLastSeenIp()));
    }

    private static Rejected bounded(String field, String value, int maxLength) {
        if (value == null) {
            return null;
        }
        if (value.length() > maxLength) {
            return Rejected.of(
                    PatchRejectReason.FIELD_TOO_LONG,
                    RECORD + "." + field + " is " + value.length() + " characters, over the bound of " + maxLength);
        }
        for (int i = 0; i < value.length(); i++) {
            // NUL cannot be stored in a PostgreSQL text column; no control character belongs in a colo or an address.
            if (Character.isISOControl(value.charAt(i))) {
                return Rejected.of(
                        PatchRejectReason.INVALID_FIELD,
                        RECORD + "." + field + " contains a control character at position " + i);
            }
        }
        return null;
    }

    private static PatchRejectReason reasonOf(WireFormatException.Kind kind) {
        return switch (kind) {
            case TRUNCATED -> PatchRejectReason.TRUNCATED;
            case BAD_MAGIC_BYTE -> PatchRejectReason.BAD_MAGIC_BYTE;
            case UNKNOWN_SCHEMA_ID -> PatchRejectReason.UNKNOWN_SCHEMA;
            case INCOMPATIBLE_SCHEMA -> PatchRejectReason.INCOMPATIBLE_SCHEMA;
            case MALFORMED_AVRO -> PatchRejectReason.MALFORMED_AVRO;
        };
    }
}
