package org.genovfl.party.peer;

import org.springframework.http.ProblemDetail;

/**
 * A call to another party failed: it answered with an error (the problem it returned is
 * kept), or it could not be reached after the configured retries.
 */
public class PeerCallException extends RuntimeException {

    private final String organisation;
    private final ProblemDetail problem;

    PeerCallException(String organisation, ProblemDetail problem, Throwable cause) {
        super("call to " + organisation + " failed: " + problem.getStatus() + " " + problem.getDetail(), cause);
        this.organisation = organisation;
        this.problem = problem;
    }

    /** The organisation that was called. */
    public String organisation() {
        return organisation;
    }

    /** The peer's problem detail, or one describing why it could not be reached (status 503). */
    public ProblemDetail problem() {
        return problem;
    }
}
