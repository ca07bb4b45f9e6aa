package dev.lastseen.app.topology;

import dev.lastseen.app.errors.RejectedRecordException;
import dev.lastseen.avro.Identifiers;
import dev.lastseen.serde.InputRejectReason;

/** Shared field checks. Messages name the record, the field and the bound — never the value. */
final class FieldRules {
    private FieldRules() {}

    static void id(String record, String field, String value) {
        String problem = Identifiers.problem(value);
        if (problem != null) {
            throw new RejectedRecordException(InputRejectReason.INVALID_ID, record + "." + field + " " + problem);
        }
    }

    static void bounded(String record, String field, String value, int maxLength) {
        if (value == null) {
            return;
        }
        if (value.length() > maxLength) {
            throw new RejectedRecordException(
                    InputRejectReason.FIELD_TOO_LONG,
                    record + "." + field + " is " + value.length() + " characters, over the bound of " + maxLength);
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new RejectedRecordException(
                        InputRejectReason.INVALID_FIELD,
                        record + "." + field + " contains a control character at position " + i);
            }
        }
    }

    static void required(String record, String field, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            throw new RejectedRecordException(
                    InputRejectReason.INVALID_FIELD, record + "." + field + " is missing or empty");
        }
        bounded(record, field, value, maxLength);
    }
}
