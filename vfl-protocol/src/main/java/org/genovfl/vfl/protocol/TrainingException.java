package org.genovfl.vfl.protocol;

/**
 * A training step failed or a message was refused; names the run, epoch and batch.
 */
public class TrainingException extends RuntimeException {

    private final transient RoundId round;

    public TrainingException(RoundId round, String message) {
        this(round, message, null);
    }

    public TrainingException(RoundId round, String message, Throwable cause) {
        super((round == null ? "" : round + ": ") + message, cause);
        this.round = round;
    }

    public RoundId round() {
        return round;
    }
}
