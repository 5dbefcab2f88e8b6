package org.genovfl.party.training;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.protocol.Messages.EncryptedResiduals;
import org.genovfl.vfl.protocol.Messages.EpochDecision;
import org.genovfl.vfl.protocol.Messages.KeySetup;
import org.genovfl.vfl.protocol.Messages.ValidationReport;
import org.genovfl.vfl.protocol.RoundId;

/**
 * The envelopes of the training peer API (JSON; byte arrays as base64). They carry the
 * protocol's own messages ({@link org.genovfl.vfl.protocol.Messages}) plus the global round
 * index that makes every round idempotent: round {@code r} is batch {@code r mod B} of
 * epoch {@code r div B}, and a party that already applied {@code r} redoes it from its
 * checkpoint of {@code r - 1}.
 */
public final class TrainingWire {

    private TrainingWire() {
    }

    /** Who takes part: organisation names, as their certificates carry them. */
    public record Participants(String hospital, List<String> labs, String coordinator) {
        public Participants {
            labs = List.copyOf(labs);
        }

        boolean isDataHolder(String organisation) {
            return hospital.equals(organisation) || labs.contains(organisation);
        }

        /** The hospital, then the labs in setup order. */
        public List<String> dataHolders() {
            List<String> holders = new java.util.ArrayList<>();
            holders.add(hospital);
            holders.addAll(labs);
            return holders;
        }
    }

    /**
     * Coordinator → hospital and labs, synchronously while the people's request to start a
     * run is answered: can this party serve the run, and (when the study left the learning
     * rate to the data) its local bound on its block's largest Gram eigenvalue
     * ({@link org.genovfl.vfl.StepSize#localBound}). Nothing is stored.
     */
    public record Preflight(UUID projectId, UUID psiRunId, TrainingConfig config) {
    }

    /** A data holder's answer to {@link Preflight}: its cohort size and eigenvalue bound (NaN if not asked). */
    public record PreflightAccepted(int cohortSize, double eigenvalueBound) {
    }

    /** Coordinator → hospital, hospital → labs: score the test rows once with the released model. */
    public record TestRequest(RoundId round) {
    }

    /** Coordinator → hospital and labs, once per run. */
    public record Setup(UUID runId, UUID projectId, UUID psiRunId, TrainingConfig config, KeySetup keySetup,
            Participants participants) {
    }

    /**
     * A data holder's answer to {@link Setup}: the size of its aligned cohort and the PSI
     * run's joint cohort commitment, which every party must share.
     */
    public record SetupAccepted(int cohortSize, int latestRound, String cohortCommitment) {
    }

    /** Coordinator → hospital (run a batch round); hospital → lab (send your encrypted scores). */
    public record RoundRequest(int roundIndex, RoundId round) {
    }

    /** Hospital → lab: the encrypted residuals of round {@code roundIndex}. */
    public record ResidualsDelivery(int roundIndex, EncryptedResiduals residuals) {
    }

    /** Lab → hospital once its checkpoint of the round is committed: the digest of the gradient it had decrypted. */
    public record LabRoundDone(String gradientDigest) {
    }

    /**
     * Hospital → coordinator once every data holder's checkpoint of the round is committed:
     * SHA-256 digests of every message of the round ({@link org.genovfl.vfl.protocol.Messages#digest}),
     * keyed by a short name ({@code scores.0}, {@code residuals}, {@code gradient.hospital},
     * {@code gradient.0}; labs numbered in setup order).
     */
    public record RoundDone(int roundIndex, Map<String, String> digests) {
    }

    /** Coordinator → hospital, hospital → lab: validate epoch {@code round.epoch()}, whose last batch round is {@code lastRoundIndex}. */
    public record ValidationRequest(int lastRoundIndex, RoundId round) {
    }

    /** Hospital → coordinator: the aggregate validation report and the AUC's 95% interval. */
    public record ValidationOutcome(ValidationReport report, double aucLower, double aucUpper, double brier) {
    }

    /** Coordinator → hospital and labs: the epoch's decision. */
    public record DecisionDelivery(int lastRoundIndex, EpochDecision decision) {
    }

    /** A data holder's answer to a decision: the SHA-256 of its released coefficients when training stopped. */
    public record DecisionApplied(String coefficientsSha256) {
    }
}
