package org.genovfl.party.inference;

import java.util.UUID;
import org.genovfl.party.peer.ProtocolRunException;

/**
 * An inference request refused, or a run that could not go on, with the run and a stable
 * reason; answered as a problem detail with the reason's status (NOT_REQUESTER: 403 for
 * scores asked at a party that did not request them).
 */
public class InferenceRunException extends ProtocolRunException {

    public InferenceRunException(UUID runId, Reason reason, String message) {
        this(runId, reason, message, null);
    }

    public InferenceRunException(UUID runId, Reason reason, String message, Throwable cause) {
        super("inference run", runId, reason, message, cause);
    }

    @Override
    protected String title() {
        return reason() == Reason.PEER_FAILURE ? "Inference failed" : "Inference request refused";
    }
}
