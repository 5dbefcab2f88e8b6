package org.genovfl.vfl.inference;

import java.util.UUID;

/** An inference message was refused, or a step could not be taken; names the run. */
public class InferenceException extends RuntimeException {

    private final UUID runId;

    public InferenceException(UUID runId, String message) {
        this(runId, message, null);
    }

    public InferenceException(UUID runId, String message, Throwable cause) {
        super("inference run " + runId + ": " + message, cause);
        this.runId = runId;
    }

    public UUID runId() {
        return runId;
    }
}
