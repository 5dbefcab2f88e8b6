package org.genovfl.vfl.protocol;

import java.util.Objects;
import java.util.UUID;

/**
 * Binds a message to its run, epoch and batch; {@link #VALIDATION} as batch marks the
 * validation step of an epoch. A role refuses a message whose id is not the one it
 * expects, so a replayed or mixed-up message cannot enter a round.
 */
public record RoundId(UUID runId, int epoch, int batch) {

    public static final int VALIDATION = -1;

    public RoundId {
        Objects.requireNonNull(runId, "runId");
        if (epoch < 0 || batch < VALIDATION) {
            throw new IllegalArgumentException("epoch >= 0 and batch >= -1 required");
        }
    }

    public static RoundId validation(UUID runId, int epoch) {
        return new RoundId(runId, epoch, VALIDATION);
    }

    public boolean isValidation() {
        return batch == VALIDATION;
    }

    @Override
    public String toString() {
        return "run " + runId + " epoch " + epoch + (isValidation() ? " validation" : " batch " + batch);
    }
}
