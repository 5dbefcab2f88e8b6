package org.genovfl.party.inference;

import java.util.List;
import java.util.UUID;
import org.genovfl.vfl.inference.InferenceMessages.ScoringKeys;

/**
 * The envelopes of the inference peer API (JSON; byte arrays as base64). They carry the
 * protocol's own messages ({@link org.genovfl.vfl.inference.InferenceMessages}) plus what
 * a data holder needs to check the run against its own records.
 */
public final class InferenceWire {

    private InferenceWire() {
    }

    /**
     * What an inference run is, as the coordinator announces it: which released model
     * scores which PSI run's aligned rows, the requester the project names, and the other
     * data holders of the model, whose partial scores are summed.
     */
    public record RunRequest(UUID runId, UUID projectId, UUID trainingRunId, UUID psiRunId, String requester,
            List<String> contributors) {
        public RunRequest {
            contributors = contributors == null ? List.of() : List.copyOf(contributors);
        }
    }

    /**
     * Requester → coordinator: the run's public key, and the joint commitment of the PSI run
     * whose rows it scores (null for a PSI run without one).
     */
    /**
     * A data holder's answer to the coordinator's check before a run starts: the run's model
     * and aligned cohort can serve it here.
     */
    public record PreflightAccepted(int rows, String cohortCommitment) {
    }

    public record KeysIssued(ScoringKeys keys, String cohortCommitment) {
    }

    /**
     * Coordinator → contributor: encrypt your partial scores under these keys, for the rows
     * of the cohort the requester committed to.
     */
    public record ContributionRequest(RunRequest run, ScoringKeys keys, String cohortCommitment) {
    }

    /** Requester → coordinator: whether a key awaiting its sum was erased on the coordinator's abort. */
    public record Aborted(boolean keyErased) {
    }

    /** Requester → coordinator, once the scores are stored: how many, and the SHA-256 of the score file. */
    public record Scored(int rowCount, String scoresSha256) {
    }
}
