package org.genovfl.psi;

import java.util.Objects;
import java.util.UUID;

/**
 * A private set intersection run failed. Carries the run id and a stable {@link Reason}
 * for programs; the message is for people and never contains an identifier or a blinded
 * value.
 */
public final class PsiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a run failed. */
    public enum Reason {
        /** The peer sent bytes that are not a group element, or the identity element. */
        INVALID_POINT,
        /** A message arrived out of turn, for another run, or with the wrong number of elements. */
        PROTOCOL_VIOLATION,
        /** The peer's confirmation differs from ours: the parties would not share a row order. */
        RESULT_MISMATCH,
        /** The peer could not be reached, stopped answering, or reported its own failure. */
        PEER_FAILURE,
        /** This party could not take part (no eligible patients, a database error, ...). */
        LOCAL_FAILURE
    }

    private final UUID runId;
    private final Reason reason;
    private final String detail;

    public PsiException(UUID runId, Reason reason, String message) {
        this(runId, reason, message, null);
    }

    public PsiException(UUID runId, Reason reason, String message, Throwable cause) {
        super("PSI run " + runId + " failed (" + reason + "): " + message, cause);
        this.runId = runId;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = message;
    }

    public UUID runId() {
        return runId;
    }

    public Reason reason() {
        return reason;
    }

    /** The message without the run id and reason prefix. */
    public String detail() {
        return detail;
    }
}
