package org.genovfl.party.psi;

import java.util.UUID;

/**
 * What other features may ask of this party's PSI runs: whether a run's aligned cohort can
 * serve a project's computation. The PSI feature owns its tables; training, inference and
 * GWAS ask through this interface rather than reading them.
 */
public interface AlignedCohorts {

    /**
     * The aligned cohort of {@code psiRunId}, checked to serve {@code projectId}.
     *
     * @param here this party's organisation, for the problem's wording
     * @return its row count and joint cohort commitment
     * @throws org.genovfl.party.web.InvalidFieldException naming {@code /psiRunId}: 404 if this
     *     party holds no such run, 409 if it belongs to another project or is not COMPLETED
     */
    UsableCohort requireUsable(UUID projectId, UUID psiRunId, String here);

    /** A completed PSI run's aligned cohort: how many rows, and the commitment both sides hold. */
    record UsableCohort(UUID psiRunId, int rows, String cohortCommitment) {
    }
}
