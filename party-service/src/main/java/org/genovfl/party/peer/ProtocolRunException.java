package org.genovfl.party.peer;

import java.util.UUID;
import org.springframework.http.HttpStatus;

/**
 * A protocol message refused, or a run that could not go on (training, inference), with the
 * run and a stable reason; the API answers it as a problem detail with the reason's status
 * ({@link ProtocolProblemAdvice}).
 */
public abstract class ProtocolRunException extends RuntimeException {

    /** Why, as a code for programs; the message is for people. */
    public enum Reason {
        /** The caller is not the party the protocol expects for this message. */
        WRONG_SENDER(HttpStatus.FORBIDDEN),
        /** A result (scores) is served to the administrators of the party that requested it only. */
        NOT_REQUESTER(HttpStatus.FORBIDDEN),
        /** No such run at this party. */
        UNKNOWN_RUN(HttpStatus.NOT_FOUND),
        /** The message does not fit where the run stands (round not open, already answered, keys lost, run ended). */
        OUT_OF_ORDER(HttpStatus.CONFLICT),
        /** This party's data or records cannot serve the run (cohort mismatch, no features, no released model). */
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

    /** @param run what kind of run, for the message: "training run", "inference run" */
    protected ProtocolRunException(String run, UUID runId, Reason reason, String message, Throwable cause) {
        super(run + " " + runId + ": " + message, cause);
        this.runId = runId;
        this.reason = reason;
    }

    public UUID runId() {
        return runId;
    }

    public Reason reason() {
        return reason;
    }

    /** The title of the problem detail. */
    protected abstract String title();
}
