package org.genovfl.party.ingest.fhir;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/** Collects the problems of one import as OperationOutcome issues with their locations. */
final class Problems {

    private final List<OperationOutcome.OperationOutcomeIssueComponent> issues = new ArrayList<>();
    private int errors;

    void error(IssueType type, String location, String diagnostics) {
        add(IssueSeverity.ERROR, type, location, diagnostics);
        errors++;
    }

    void information(String location, String diagnostics) {
        add(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, location, diagnostics);
    }

    void warning(IssueType type, String location, String diagnostics) {
        add(IssueSeverity.WARNING, type, location, diagnostics);
    }

    private void add(IssueSeverity severity, IssueType type, String location, String diagnostics) {
        OperationOutcome.OperationOutcomeIssueComponent issue = new OperationOutcome.OperationOutcomeIssueComponent()
                .setSeverity(severity).setCode(type).setDiagnostics(diagnostics);
        if (location != null) {
            issue.addExpression(location);
            // R4 still names the deprecated 'location' element; clients of either read it.
            issue.getLocation().add(new StringType(location));
        }
        issues.add(issue);
    }

    boolean hasErrors() {
        return errors > 0;
    }

    OperationOutcome toOutcome() {
        OperationOutcome outcome = new OperationOutcome();
        issues.forEach(outcome::addIssue);
        return outcome;
    }
}
