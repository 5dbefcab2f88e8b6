package org.genovfl.party.ingest.fhir;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A FHIR import refused as a whole: nothing was written. Carries every problem found, each
 * with its location (a FHIRPath such as {@code Bundle.entry[3].resource.valueQuantity}).
 */
public final class FhirImportException extends RuntimeException {

    private final transient OperationOutcome outcome;

    public FhirImportException(OperationOutcome outcome) {
        super(summary(outcome));
        this.outcome = outcome;
    }

    /** The problems, as HAPI's OperationOutcome (issues of severity error). */
    public OperationOutcome outcome() {
        return outcome;
    }

    /** The locations of the problems, in order. */
    public List<String> locations() {
        return outcome.getIssue().stream().map(i -> i.getExpression().isEmpty() ? "" : i.getExpression().get(0).getValue()).toList();
    }

    /**
     * The number of problems and the location of the first: the message may be logged, and
     * locations name fields and positions, never their values.
     */
    private static String summary(OperationOutcome outcome) {
        long errors = outcome.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL).count();
        String first = outcome.getIssue().isEmpty() || outcome.getIssue().get(0).getExpression().isEmpty() ? ""
                : ", the first at " + outcome.getIssue().get(0).getExpression().get(0).getValue();
        return "FHIR import refused with " + errors + " problem(s)" + first;
    }

    /**
     * HAPI's code of a parse failure ({@code HAPI-1861}), without its message: HAPI messages
     * quote the content they could not parse, which may be a name or a birth date.
     */
    public static String codeOf(Exception e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("HAPI-\\d+").matcher(message);
        return code.find() ? code.group() : e.getClass().getSimpleName();
    }
}
