package org.genovfl.audit;

import java.util.Objects;

/**
 * The rules every ledger applies before recording an event, in one place so that the
 * embedded ledger and the Fabric chaincode cannot drift apart.
 *
 * <ol>
 *   <li>An event whose id is already recorded with the same content is recorded once
 *       ({@link Decision#ALREADY_RECORDED}); with other content it is refused
 *       ({@link AuditRefusal#EVENT_ID_CONFLICT}).
 *   <li>Each (project, acting organisation) numbers its events 1, 2, 3...; the next event
 *       must carry exactly the last sequence plus one ({@link AuditRefusal#SEQUENCE_GAP}
 *       if higher, {@link AuditRefusal#SEQUENCE_TAKEN} if already used).
 * </ol>
 */
public final class AppendRules {

    /** What to do with an event that passed the rules. */
    public enum Decision {
        APPEND,
        ALREADY_RECORDED
    }

    private AppendRules() {
    }

    /**
     * @param event the event to record
     * @param recordedWithSameId the event already recorded under {@code event.eventId()}, or null
     * @param lastSequence the highest sequence recorded for the event's (project, organisation), 0 if none
     * @throws AuditRefusedException if a rule refuses the event
     */
    public static Decision decide(AuditEvent event, AuditEvent recordedWithSameId, long lastSequence) {
        Objects.requireNonNull(event, "event");
        if (recordedWithSameId != null) {
            if (recordedWithSameId.equals(event)) {
                return Decision.ALREADY_RECORDED;
            }
            throw new AuditRefusedException(AuditRefusal.EVENT_ID_CONFLICT,
                    "event " + event.eventId() + " is already recorded with different content", event.eventId());
        }
        if (event.sequence() <= lastSequence) {
            throw new AuditRefusedException(AuditRefusal.SEQUENCE_TAKEN, "sequence " + event.sequence()
                    + " of project " + event.projectId() + " is already used (last is " + lastSequence + ")",
                    event.eventId());
        }
        if (event.sequence() != lastSequence + 1) {
            throw new AuditRefusedException(AuditRefusal.SEQUENCE_GAP, "sequence " + event.sequence()
                    + " of project " + event.projectId() + " does not follow " + lastSequence, event.eventId());
        }
        return Decision.APPEND;
    }
}
