package org.genovfl.vfl.protocol;

import java.util.Objects;
import java.util.UUID;

/**
 * Binds a message to its run, epoch and batch; {@link #VALIDATION} as batch marks the
 * validation step of an epoch, {@link #TEST} the one measurement of the released model
 * (epoch: the released epoch) on the test rows. A role refuses a message whose id is not the one it
 * expects, so a replayed or mixed-up message cannot enter a round.
 */
public record RoundId(UUID runId, int epoch, int batch) {

    public static final int VALIDATION = -1;
    public static final int TEST = -2;

    public RoundId {
        Objects.requireNonNull(runId, "runId");
        if (epoch < 0 || batch < TEST) {
            throw new IllegalArgumentException("epoch >= 0 and batch >= -2 required");
        }
    }

    public static RoundId validation(UUID runId, int epoch) {
        return new RoundId(runId, epoch, VALIDATION);
    }

    /** The test measurement of the model released from {@code releasedEpoch}. */
    public static RoundId test(UUID runId, int releasedEpoch) {
        return new RoundId(runId, releasedEpoch, TEST);
    }

    public boolean isValidation() {
        return batch == VALIDATION;
    }

    public boolean isTest() {
        return batch == TEST;
    }

    @Override
    public String toString() {
        return "run " + runId + " epoch " + epoch + (isValidation() ? " validation"
                : isTest() ? " test" : " batch " + batch);
    }
}
