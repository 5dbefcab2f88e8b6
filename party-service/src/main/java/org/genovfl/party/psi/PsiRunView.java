package org.genovfl.party.psi;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.genovfl.psi.PsiMode;

/**
 * A PSI run as the people API shows it: status, sizes and the cohort commitment; never an
 * identifier or a blinded value.
 *
 * @param kind PAIRWISE (a run with one peer) or JOINT (a joint cohort across the hospital and
 *     several labs, built from the pairwise runs {@code sourceRunIds})
 * @param status RUNNING; CONFIRMED (the responder holds the cohort, not yet usable: the
 *     initiator has not said it completed); COMPLETED; or FAILED
 * @param cohortCommitment the joint cohort commitment, the same at both parties (audited)
 * @param cohortSha256 this party's salted commitment to its own aligned list (audited as
 *     {@code localCohort}; the salt stays here)
 * @param sourceRunIds a joint cohort's source runs in source order (null for a pairwise run)
 * @param progress what a running run is doing now (null once finished)
 */
public record PsiRunView(UUID runId, UUID projectId, String kind, PsiMode mode, String status,
        Integer localSetSize, Integer duplicatesReported, Integer intersectionSize, String cohortCommitment,
        String cohortSha256, String error, Instant startedAt, Instant finishedAt, List<UUID> sourceRunIds,
        Progress progress) {

    /** Live progress: the step, elements done of the step's total, and bytes moved so far. */
    public record Progress(String step, int done, int total, long bytesSent, long bytesReceived) {
    }

    PsiRunView withProgress(Progress live) {
        return new PsiRunView(runId, projectId, kind, mode, status, localSetSize, duplicatesReported,
                intersectionSize, cohortCommitment, cohortSha256, error, startedAt, finishedAt, sourceRunIds, live);
    }
}
