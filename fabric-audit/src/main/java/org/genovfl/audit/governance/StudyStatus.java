package org.genovfl.audit.governance;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A study's current governance state, as the last record of its history left it.
 *
 * @param terms the terms in force (the latest proposal)
 * @param approvals the named parties that approved these terms
 * @param suspendedBy the organisations whose suspension is not lifted yet (empty unless SUSPENDED)
 * @param version the number of the last record of the study's history
 */
public record StudyStatus(UUID projectId, StudyState state, StudyTerms terms, SortedSet<String> approvals,
        SortedSet<String> suspendedBy, long version) {

    public StudyStatus {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(terms, "terms");
        approvals = Collections.unmodifiableSortedSet(new TreeSet<>(approvals));
        suspendedBy = Collections.unmodifiableSortedSet(new TreeSet<>(suspendedBy));
    }

    /** Whether the parties may run {@code protocol} under terms whose specification hashes to {@code specificationHash}. */
    public boolean permits(StudyProtocol protocol, String specificationHash) {
        return state == StudyState.ACTIVE && terms.allowedProtocols().contains(protocol)
                && terms.specificationHash().equals(specificationHash);
    }
}
