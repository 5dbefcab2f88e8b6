package org.genovfl.audit.governance;

import java.util.UUID;

/** A governance transaction failed: refused ({@link GovernanceRefusedException}) or the ledger could not be reached. */
public class GovernanceException extends RuntimeException {

    private final UUID projectId;

    public GovernanceException(String message, UUID projectId, Throwable cause) {
        super(message, cause);
        this.projectId = projectId;
    }

    /** The study concerned, where known. */
    public UUID projectId() {
        return projectId;
    }
}
