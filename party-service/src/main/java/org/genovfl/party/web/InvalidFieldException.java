package org.genovfl.party.web;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request that names something wrong: each entry is a JSON pointer into the request body
 * (RFC 6901, e.g. {@code /psiRunId}, {@code /genomicFeatures/2/region}) and what is wrong
 * there. {@link RequestFieldAdvice} answers it as a problem detail with an {@code errors}
 * list; 400 for a malformed value, 404 for a reference to nothing, 409 for a reference to
 * something in the wrong state, 422 for a request the parties' data cannot serve.
 */
public class InvalidFieldException extends RuntimeException {

    /** One field's problem. */
    public record FieldError(String pointer, String detail) {
    }

    private final HttpStatus status;
    private final List<FieldError> errors;

    public InvalidFieldException(HttpStatus status, String pointer, String detail) {
        this(status, List.of(new FieldError(pointer, detail)));
    }

    public InvalidFieldException(HttpStatus status, List<FieldError> errors) {
        super(summary(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("at least one field error");
        }
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** As a problem's property: a list of {pointer, detail}. */
    List<Map<String, String>> asProperty() {
        return errors.stream().map(e -> Map.of("pointer", e.pointer(), "detail", e.detail())).toList();
    }

    private static String summary(List<FieldError> errors) {
        return String.join("; ", errors.stream().map(e -> e.pointer() + ": " + e.detail()).toList());
    }
}
