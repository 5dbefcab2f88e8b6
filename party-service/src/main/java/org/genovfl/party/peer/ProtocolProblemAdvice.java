package org.genovfl.party.peer;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Protocol refusals and failures (training, inference) as RFC 9457 problem details, with the run and a stable reason code. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProtocolProblemAdvice {

    @ExceptionHandler(ProtocolRunException.class)
    ProblemDetail refused(ProtocolRunException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.reason().status, e.getMessage());
        problem.setTitle(e.title());
        problem.setProperty("runId", e.runId());
        problem.setProperty("reason", e.reason().name());
        return problem;
    }
}
