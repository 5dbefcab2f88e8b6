package org.genovfl.audit.governance;

/** The transactions that change a study's state; each is one record of its history. */
public enum GovernanceAction {
    /** The coordinator submits (or replaces) the study's terms. */
    PROPOSE,
    /** A named party approves the current terms, naming their specification hash. */
    APPROVE,
    /** A named party, the coordinator or the regulator stops an ACTIVE study. */
    SUSPEND,
    /** Whoever suspended lifts their own suspension. */
    RESUME,
    /** The coordinator ends the study. */
    CLOSE
}
