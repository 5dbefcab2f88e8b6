package org.genovfl.psi;

import java.util.List;
import java.util.UUID;

/**
 * What one party learns from a completed run.
 *
 * @param alignedPatientIds this party's patient ids of the intersection, row i being the
 *     same person as the peer's row i; empty in {@link PsiMode#CARDINALITY} mode
 * @param confirmation what this party sends the peer to check both agree
 */
public record PsiResult(UUID runId, PsiMode mode, int localSetSize, int peerSetSize, DuplicateReport duplicates,
        int intersectionSize, List<Long> alignedPatientIds, PsiMessages.Confirmation confirmation) {

    @Override
    public String toString() {
        return "PsiResult[run=" + runId + ", mode=" + mode + ", local=" + localSetSize + ", peer=" + peerSetSize
                + ", intersection=" + intersectionSize + ", duplicates=" + duplicates + "]";
    }
}
