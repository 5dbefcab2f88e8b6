package org.genovfl.audit.governance;

import java.util.Objects;
import java.util.UUID;

/**
 * A governance transaction refused for good, with a stable {@link GovernanceRefusal}; sending
 * it again will not help until the cause is fixed. The message names the project, the
 * states and organisations involved, never a reason text.
 */
public class GovernanceRefusedException extends GovernanceException {

    private final GovernanceRefusal refusal;

    public GovernanceRefusedException(GovernanceRefusal refusal, UUID projectId, String message) {
        super(refusal + ": " + message, projectId, null);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    public GovernanceRefusal refusal() {
        return refusal;
    }
}
