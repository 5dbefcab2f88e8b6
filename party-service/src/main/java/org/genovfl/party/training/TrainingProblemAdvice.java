package org.genovfl.party.training;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Training refusals and failures as RFC 9457 problem details, with the run and a stable reason code. */
@RestControllerAdvice(basePackageClasses = TrainingProblemAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class TrainingProblemAdvice {

    @ExceptionHandler(TrainingRunException.class)
    ProblemDetail refused(TrainingRunException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.reason().status, e.getMessage());
        problem.setTitle("Training message refused");
        problem.setProperty("runId", e.runId());
        problem.setProperty("reason", e.reason().name());
        return problem;
    }
}
