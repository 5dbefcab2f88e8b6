package org.genovfl.party.training;

import java.util.List;
import java.util.UUID;
import org.genovfl.party.training.TrainingStore.EpochRecord;
import org.genovfl.party.training.TrainingStore.StoredRun;
import org.genovfl.vfl.TrainingConfig;

/**
 * A training run as the people API shows it: aggregates only, never a per-patient value.
 * The coordinator's view has the progress, the per-epoch validation metrics and the
 * decision; a data holder's view has where it stands and, once released, its own
 * coefficients (standardised scale; the hospital's intercept last).
 *
 * @param status RUNNING, COMPLETED or FAILED
 * @param phase coordinator, while running: setup, training, validation, decision, released
 * @param roundsCompleted coordinator: batch rounds confirmed so far
 * @param appliedRound data holder: global index of its last checkpointed round
 */
public record TrainingRunView(UUID runId, UUID projectId, UUID psiRunId, String role, String status, String phase,
        TrainingConfig config, Integer cohortSize, Integer epoch, Integer batch, Integer roundsCompleted,
        Integer appliedRound, List<EpochView> epochs, Integer bestEpoch, EpochView best, String stopReason,
        String error, String modelSha256, double[] coefficients) {

    /** One epoch's validation, as the hospital reported it, and the coordinator's decision. */
    public record EpochView(int epoch, double auc, double aucLower, double aucUpper, double logLoss, double accuracy,
            double shareOutsideInterval, boolean stop) {

        static EpochView of(EpochRecord record) {
            return new EpochView(record.epoch(), record.report().auc(), record.aucLower(), record.aucUpper(),
                    record.report().logLoss(), record.report().accuracy(), record.report().shareOutsideInterval(),
                    record.decision().stop());
        }
    }

    static TrainingRunView ofCoordinator(StoredRun run, String phase, Integer epoch, Integer batch, int rounds,
            List<EpochRecord> epochs, String modelSha256) {
        List<EpochView> views = epochs.stream().map(EpochView::of).toList();
        EpochView best = run.bestEpoch() == null ? null
                : views.stream().filter(e -> e.epoch() == run.bestEpoch()).findFirst().orElse(null);
        return new TrainingRunView(run.runId(), run.projectId(), run.psiRunId(), run.role().name(), run.status(),
                phase, run.config(), run.cohortSize(), epoch, batch, rounds, null, views, run.bestEpoch(), best,
                run.stopReason(), run.error(), modelSha256, null);
    }

    static TrainingRunView ofDataHolder(StoredRun run, Integer appliedRound, double[] coefficients, String modelSha256) {
        return new TrainingRunView(run.runId(), run.projectId(), run.psiRunId(), run.role().name(), run.status(),
                null, run.config(), null, null, null, null, appliedRound, List.of(), run.bestEpoch(), null,
                run.stopReason(), run.error(), modelSha256, coefficients);
    }
}
