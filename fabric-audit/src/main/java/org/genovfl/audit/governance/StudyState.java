package org.genovfl.audit.governance;

/**
 * Where a study is in its lifecycle (see docs/protocols/governance.md). Only an ACTIVE study
 * may run any protocol; CLOSED is final.
 */
public enum StudyState {
    /** The coordinator proposed terms; the named parties approve them one by one. */
    PROPOSED,
    /** Every named party approved the current terms. */
    ACTIVE,
    /** Someone entitled to stop it did; it is ACTIVE again once every suspension is lifted. */
    SUSPENDED,
    /** The coordinator ended it; nothing changes it any more. */
    CLOSED
}
