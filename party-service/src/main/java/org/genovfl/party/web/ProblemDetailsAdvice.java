package org.genovfl.party.web;

import org.genovfl.party.peer.PeerCallException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error the API returns is an RFC 9457 problem detail: Spring MVC's own errors
 * through {@link ResponseEntityExceptionHandler}, GenoVFL's here.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(PeerCallException.class)
    ProblemDetail peerFailed(PeerCallException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
                "A call to " + e.organisation() + " failed: " + e.problem().getDetail());
        problem.setTitle("Peer call failed");
        problem.setProperty("peer", e.organisation());
        problem.setProperty("peerStatus", e.problem().getStatus());
        return problem;
    }
}
