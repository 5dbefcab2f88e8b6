package org.genovfl.audit.governance;

import java.util.Objects;

/**
 * One accepted transaction in a study's history: the request as made, its number in the
 * study's history (1, 2, 3...) and the state it left the study in.
 */
public record GovernanceRecord(long number, GovernanceRequest request, StudyState stateAfter) {

    public GovernanceRecord {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(stateAfter, "stateAfter");
        StudyTerms.require(number >= 1, "number: 1 or more");
    }
}
