package org.genovfl.party.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;

/**
 * Client errors in the transport of a request, which Spring MVC would otherwise answer with
 * a 500 and a stack trace: a body over its size cap (found also as the cause of a read
 * failure, since this advice comes first) and a multipart body that cannot be parsed (no
 * boundary, truncated). Kept apart from {@link ProblemDetailsAdvice}, which handles the
 * content of bodies.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestProblemsAdvice {

    @ExceptionHandler(RequestBodyLimit.RequestTooLarge.class)
    ProblemDetail tooLarge(RequestBodyLimit.RequestTooLarge e) {
        ProblemDetail problem = problem(HttpStatus.PAYLOAD_TOO_LARGE, "Request too large", e.getMessage());
        problem.setProperty("limit", e.cap);
        problem.setProperty("setting", e.setting);
        return problem;
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ProblemDetail uploadTooLarge(MaxUploadSizeExceededException e) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "Upload too large",
                "the upload is larger than spring.servlet.multipart.max-file-size / max-request-size allow");
    }

    @ExceptionHandler(MultipartException.class)
    ProblemDetail malformedMultipart(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, "Malformed multipart body",
                "the multipart/form-data body cannot be parsed: it needs a boundary parameter and well-formed parts");
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
