package org.genovfl.audit;

/**
 * Why a ledger refused an event. The names are stable: the chaincode returns them as the
 * error payload and clients, tests and operators match on them.
 */
public enum AuditRefusal {
    /** The event breaks the schema of {@link AuditEvent} (not a hash, free text, too many entries). */
    INVALID_EVENT,
    /** The event names an acting organisation other than the identity that submitted it. */
    WRONG_ORGANISATION,
    /** The event's sequence is not the next one of its (project, acting organisation). */
    SEQUENCE_GAP,
    /** Another event already holds this (project, acting organisation, sequence). */
    SEQUENCE_TAKEN,
    /** An event with this id is recorded with different content. */
    EVENT_ID_CONFLICT
}
