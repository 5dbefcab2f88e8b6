package org.genovfl.party.training;

import java.util.UUID;
import org.springframework.http.HttpStatus;

/**
 * A training message refused or a run that could not go on, with the run and a stable
 * reason; the peer API answers it as a problem detail with the reason's status.
 */
public class TrainingRunException extends RuntimeException {

    /** Why, as a code for programs; the message is for people. */
    public enum Reason {
        /** The caller is not the party the protocol expects for this message. */
        WRONG_SENDER(HttpStatus.FORBIDDEN),
        /** No such run at this party. */
        UNKNOWN_RUN(HttpStatus.NOT_FOUND),
        /** The message does not fit where the run stands (round not open, checkpoint missing, run ended). */
        OUT_OF_ORDER(HttpStatus.CONFLICT),
        /** This party's data cannot train the run (cohort mismatch, no features). */
        BAD_DATA(HttpStatus.UNPROCESSABLE_ENTITY),
        /** Another party failed or could not be reached. */
        PEER_FAILURE(HttpStatus.BAD_GATEWAY);

        final HttpStatus status;

        Reason(HttpStatus status) {
            this.status = status;
        }
    }

    private final UUID runId;
    private final Reason reason;

    public TrainingRunException(UUID runId, Reason reason, String message) {
        this(runId, reason, message, null);
    }

    public TrainingRunException(UUID runId, Reason reason, String message, Throwable cause) {
        super("training run " + runId + ": " + message, cause);
        this.runId = runId;
        this.reason = reason;
    }

    public UUID runId() {
        return runId;
    }

    public Reason reason() {
        return reason;
    }
}
