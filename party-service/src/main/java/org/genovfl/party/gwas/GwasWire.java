package org.genovfl.party.gwas;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.vfl.gwas.GwasMessages;
import org.genovfl.vfl.gwas.ReleaseRules;

/**
 * The envelopes of the GWAS peer API (JSON; byte arrays as base64) around the protocol's
 * own records ({@link GwasMessages}), which travel unchanged: {@code KeySetup},
 * {@code EncryptedNullModel}, {@code LabReady}, {@code ScanBlock}, {@code BlockResult}.
 */
public final class GwasWire {

    private GwasWire() {
    }

    /**
     * What a scan computes beyond the project: how many ancestry components each lab projects
     * out of its dosages, and the release rules (minimum cohort, minimum minor allele count).
     */
    public record ScanParameters(int ancestryComponents, int minCohortSize, double minMinorAlleleCount) {

        ReleaseRules releaseRules() {
            return new ReleaseRules(minCohortSize, minMinorAlleleCount);
        }
    }

    /** Who takes part: organisation names, as their certificates carry them. */
    public record ScanParties(String hospital, List<String> labs, String coordinator) {
        public ScanParties {
            labs = List.copyOf(labs);
        }
    }

    /** Coordinator → hospital and labs, while the people's request is answered: can this party serve the scan? Nothing is stored. */
    public record Preflight(UUID projectId, UUID psiRunId, ScanParameters parameters) {
    }

    /** A data holder's answer to {@link Preflight}: its aligned cohort's size and the PSI run's joint commitment. */
    public record PreflightAccepted(int cohortSize, String cohortCommitment) {
    }

    /** Coordinator → hospital and labs, once per scan. */
    public record ScanSetup(UUID scanId, UUID projectId, UUID psiRunId, ScanParameters parameters,
            ScanParties parties) {
    }

    /**
     * A data holder's answer to {@link ScanSetup}: its cohort and, from the hospital, the
     * protocol's first message (the null model's summary: n, k, the effect scale).
     */
    public record SetupAccepted(int cohortSize, String cohortCommitment, GwasMessages.NullModelSummary summary) {
    }

    /** Hospital → coordinator: the encrypted null model went to every lab directly; the SHA-256 each lab confirmed. */
    public record NullModelDelivered(Map<String, String> digests) {
    }

    /** A data holder took a message; the SHA-256 of what it took (null where nothing is worth hashing). */
    public record Received(String digest) {
    }

    /** Coordinator → lab: send the {@code LabReady} it formed on the null model. */
    public record ReadyRequest(UUID scanId) {
    }

    /** Coordinator → hospital and labs: the scan ended; the released file's SHA-256, or why it failed. */
    public record ScanFinished(String status, String summarySha256, String error) {
    }
}
