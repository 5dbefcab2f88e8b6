package org.genovfl.party.training;

import java.util.UUID;
import org.genovfl.party.peer.ProtocolRunException;

/**
 * A training message refused or a run that could not go on, with the run and a stable
 * reason; the peer API answers it as a problem detail with the reason's status.
 */
public class TrainingRunException extends ProtocolRunException {

    public TrainingRunException(UUID runId, Reason reason, String message) {
        this(runId, reason, message, null);
    }

    public TrainingRunException(UUID runId, Reason reason, String message, Throwable cause) {
        super("training run", runId, reason, message, cause);
    }

    @Override
    protected String title() {
        return "Training message refused";
    }
}
