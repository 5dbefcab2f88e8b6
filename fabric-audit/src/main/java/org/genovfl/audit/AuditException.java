package org.genovfl.audit;

/** The ledger refused an event or could not be reached; carries the event id where known. */
public class AuditException extends RuntimeException {

    private final java.util.UUID eventId;

    public AuditException(String message, java.util.UUID eventId, Throwable cause) {
        super(message, cause);
        this.eventId = eventId;
    }

    public java.util.UUID eventId() {
        return eventId;
    }
}
