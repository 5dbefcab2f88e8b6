package org.genovfl.psi;

import java.util.List;
import java.util.UUID;

/**
 * What one party learns from a completed run.
 *
 * @param alignedPatientIds this party's patient ids of the intersection, row i being the
 *     same person as the peer's row i; empty in {@link PsiMode#CARDINALITY} mode
 * @param alignedTokens the doubly blinded value of each aligned row, 32 bytes per row in row
 *     order (the same bytes at both parties): what the {@link CohortCommitment}s hash; empty
 *     in {@link PsiMode#CARDINALITY} mode. Shared, not copied: do not modify.
 * @param confirmation what this party sends the peer to check both agree
 */
public record PsiResult(UUID runId, PsiMode mode, int localSetSize, int peerSetSize, DuplicateReport duplicates,
        int intersectionSize, List<Long> alignedPatientIds, byte[] alignedTokens,
        PsiMessages.Confirmation confirmation) {

    /** The joint cohort commitment both parties record (see {@link CohortCommitment#joint}). */
    public String cohortCommitment() {
        return confirmation.cohortCommitment();
    }

    @Override
    public String toString() {
        return "PsiResult[run=" + runId + ", mode=" + mode + ", local=" + localSetSize + ", peer=" + peerSetSize
                + ", intersection=" + intersectionSize + ", duplicates=" + duplicates + "]";
    }
}
