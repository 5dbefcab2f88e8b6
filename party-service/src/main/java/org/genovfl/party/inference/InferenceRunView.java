package org.genovfl.party.inference;

import java.util.List;
import java.util.UUID;
import org.genovfl.party.inference.InferenceStore.StoredRun;

/**
 * An inference run as the people API shows it: what scores what, where it stands, counts
 * and hashes; never a score or a patient.
 *
 * @param role COORDINATOR, REQUESTER or CONTRIBUTOR: what this party is in the run
 * @param status RUNNING, COMPLETED or FAILED
 * @param phase coordinator, while running: keys, scoring, combining, delivering
 * @param rowCount aligned rows scored
 * @param resultSha256 requester: its score file; coordinator: the sum it delivered;
 *     contributor: the partial scores it sent
 */
public record InferenceRunView(UUID runId, UUID projectId, UUID trainingRunId, UUID psiRunId, String role,
        String requester, List<String> contributors, String status, String phase, Integer rowCount,
        String publicKeySha256, String resultSha256, String error) {

    static InferenceRunView of(StoredRun run) {
        return new InferenceRunView(run.runId(), run.projectId(), run.trainingRunId(), run.psiRunId(),
                run.role().name(), run.requester(), run.contributors(), run.status(), run.phase(), run.rowCount(),
                run.publicKeySha256(), run.resultSha256(), run.error());
    }
}
