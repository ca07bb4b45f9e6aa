package dev.lastseen.app.errors;

import dev.lastseen.serde.InputRejectReason;
import org.apache.kafka.common.errors.SerializationException;

/**
 * An input record that is well-formed enough to read but outside a bound or rule. The
 * message names the field and the bound, and never the value (a value could be a secret).
 */
public class RejectedRecordException extends SerializationException {
    private final InputRejectReason reason;

    public RejectedRecordException(InputRejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InputRejectReason reason() {
        return reason;
    }
}
