package org.genovfl.audit;

import java.util.Objects;
import java.util.UUID;

/**
 * The ledger understood the event and refused it for good; sending it again will not help
 * until the cause (named by {@link #refusal()}) is fixed.
 */
public class AuditRefusedException extends AuditException {

    private final AuditRefusal refusal;

    public AuditRefusedException(AuditRefusal refusal, String message, UUID eventId) {
        super(refusal + ": " + message, eventId, null);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    public AuditRefusal refusal() {
        return refusal;
    }
}
