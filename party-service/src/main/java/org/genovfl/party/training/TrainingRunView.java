package org.genovfl.party.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.project.ProjectColumns;
import org.genovfl.party.training.TrainingStore.EpochRecord;
import org.genovfl.party.training.TrainingStore.StoredRun;
import org.genovfl.vfl.TrainingConfig;

/**
 * A training run as the people API shows it: aggregates only, never a per-patient value.
 * The coordinator's view has the progress, the per-epoch validation metrics, the decision,
 * which epoch was released and why, and the released model's metrics on the test rows; a
 * data holder's view has where it stands, why the run stopped and, once released, its own
 * coefficients (standardised scale; the hospital's intercept last), each with its column.
 *
 * @param status RUNNING, COMPLETED or FAILED
 * @param phase coordinator, while running: setup, training, validation, decision, test, released
 * @param config the hyper-parameters, with the learning rate derived from the data if the study left it to them
 * @param roundsCompleted coordinator: batch rounds confirmed so far
 * @param appliedRound data holder: global index of its last checkpointed round
 * @param bestEpoch the best epoch by validation
 * @param releasedEpoch the epoch whose weights were released (the best, or the last under LAST_EPOCH); null
 *     before release or after a failure
 * @param released coordinator: the released epoch's validation metrics
 * @param stopReason why training stopped, including which epoch was released and why
 * @param test coordinator: the released model on the test rows (AUC with its 95% CI, log-loss, Brier,
 *     calibration intercept and slope, binned reliability, and the references the hospital computes alone)
 * @param namedCoefficients data holder: its coefficients with their columns
 */
public record TrainingRunView(UUID runId, UUID projectId, UUID psiRunId, String role, String status, String phase,
        TrainingConfig config, Integer cohortSize, Integer epoch, Integer batch, Integer roundsCompleted,
        Integer appliedRound, List<EpochView> epochs, Integer bestEpoch, EpochView best, Integer releasedEpoch,
        EpochView released, String stopReason, String error, String modelSha256, Object test,
        double[] coefficients, List<NamedCoefficient> namedCoefficients) {

    /** One epoch's validation, as the hospital reported it, and the coordinator's decision. */
    public record EpochView(int epoch, double auc, double aucLower, double aucUpper, double logLoss, double accuracy,
            double shareOutsideInterval, boolean stop) {

        static EpochView of(EpochRecord record) {
            return new EpochView(record.epoch(), record.report().auc(), record.aucLower(), record.aucUpper(),
                    record.report().logLoss(), record.report().accuracy(), record.report().shareOutsideInterval(),
                    record.decision().stop());
        }
    }

    /** A coefficient and the column it weighs ({@link ProjectColumns#INTERCEPT} for the intercept). */
    public record NamedCoefficient(String name, ProjectColumns.Column column, double coefficient) {

        static List<NamedCoefficient> of(List<ProjectColumns.Column> columns, double[] coefficients,
                boolean hasIntercept) {
            int width = coefficients.length - (hasIntercept ? 1 : 0);
            List<NamedCoefficient> named = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                ProjectColumns.Column column = columns.size() == width ? columns.get(i) : null;
                named.add(new NamedCoefficient(column == null ? "column " + i : column.name(), column, coefficients[i]));
            }
            if (hasIntercept) {
                named.add(new NamedCoefficient(ProjectColumns.INTERCEPT, null, coefficients[width]));
            }
            return named;
        }
    }

    static TrainingRunView ofCoordinator(StoredRun run, String phase, Integer epoch, Integer batch, int rounds,
            List<EpochRecord> epochs, String modelSha256, Map<String, Object> modelReport) {
        List<EpochView> views = epochs.stream().map(EpochView::of).toList();
        Integer releasedEpoch = modelReport.get("releasedEpoch") instanceof Number n ? n.intValue() : null;
        return new TrainingRunView(run.runId(), run.projectId(), run.psiRunId(), run.role().name(), run.status(),
                phase, run.config(), run.cohortSize(), epoch, batch, rounds, null, views, run.bestEpoch(),
                epochOf(views, run.bestEpoch()), releasedEpoch, epochOf(views, releasedEpoch), run.stopReason(),
                run.error(), modelSha256, modelReport.get("test"), null, null);
    }

    static TrainingRunView ofDataHolder(StoredRun run, Integer appliedRound, double[] coefficients,
            List<NamedCoefficient> named, String modelSha256, Map<String, Object> modelReport) {
        Integer releasedEpoch = modelReport.get("releasedEpoch") instanceof Number n ? n.intValue() : null;
        return new TrainingRunView(run.runId(), run.projectId(), run.psiRunId(), run.role().name(), run.status(),
                null, run.config(), null, null, null, null, appliedRound, List.of(), run.bestEpoch(), null,
                releasedEpoch, null, run.stopReason(), run.error(), modelSha256, null, coefficients, named);
    }

    private static EpochView epochOf(List<EpochView> views, Integer epoch) {
        return epoch == null ? null : views.stream().filter(e -> e.epoch() == epoch).findFirst().orElse(null);
    }
}
