package org.genovfl.audit.governance;

/**
 * Why a governance transaction was refused. The names are stable: the chaincode returns them
 * as the error payload and at the start of its message, and clients, tests and operators
 * match on them.
 */
public enum GovernanceRefusal {
    /** The request is malformed: terms out of range, a hash that is not hex SHA-256, no reason. */
    INVALID_REQUEST,
    /** No study with this project id was ever proposed. */
    UNKNOWN_PROJECT,
    /** The caller's organisation may not make this transition (not the coordinator, not a named party...). */
    WRONG_IDENTITY,
    /** The study is in a state from which this transition is not allowed. */
    WRONG_STATE,
    /** The approval names a specification hash other than the study's current one. */
    STALE_HASH
}
