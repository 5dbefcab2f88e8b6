package org.genovfl.party.web.ui;

import java.util.List;
import java.util.UUID;
import org.genovfl.vfl.TrainingConfig;

/**
 * The training form: the project, the aligned cohort (a PSI run of the hospital) and the
 * hyper-parameters, pre-filled with {@link TrainingConfig#defaults(long)} and each with a
 * one-line explanation for the person choosing them.
 */
public class TrainingForm {

    /** One hyper-parameter input: its form name, label, explanation and the default. */
    public record Parameter(String name, String label, String help, String defaultValue) {
    }

    static final TrainingConfig DEFAULTS = TrainingConfig.defaults(42);

    static final List<Parameter> PARAMETERS = List.of(
            new Parameter("maxEpochs", "Maximum epochs", "Passes over the training split; early stopping may end sooner.",
                    Integer.toString(DEFAULTS.maxEpochs())),
            new Parameter("batchSize", "Batch size", "Patients per encrypted round; 0 uses the whole training split.",
                    Integer.toString(DEFAULTS.batchSize())),
            new Parameter("learningRate", "Learning rate", "Step size of gradient descent at the first epoch.",
                    plain(DEFAULTS.learningRate())),
            new Parameter("learningRateDecay", "Learning-rate decay", "The rate at epoch e is rate / (1 + decay × e).",
                    plain(DEFAULTS.learningRateDecay())),
            new Parameter("momentum", "Momentum", "Nesterov momentum, 0 to below 1; smooths and speeds up descent.",
                    plain(DEFAULTS.momentum())),
            new Parameter("l2", "L2 penalty", "Shrinks coefficients towards zero against over-fitting (not the intercept).",
                    plain(DEFAULTS.l2())),
            new Parameter("validationFraction", "Validation share", "Share of the aligned cohort held out to measure AUC.",
                    plain(DEFAULTS.validationFraction())),
            new Parameter("patience", "Patience", "Epochs without improvement before training stops early.",
                    Integer.toString(DEFAULTS.patience())),
            new Parameter("minDelta", "Minimum improvement", "The smallest change of the stopping metric that counts.",
                    plain(DEFAULTS.minDelta())),
            new Parameter("sigmoidInterval", "Sigmoid interval", "Scores within ± this use the cubic stand-in for σ.",
                    plain(DEFAULTS.sigmoidInterval())),
            new Parameter("seed", "Seed", "Fixes the validation split and batch order, so a run can be repeated.", "42"));

    /** A default as a person writes it: 0.0001, not 1.0E-4. */
    private static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private UUID projectId;
    private String psiRunId = "";
    private String stoppingMetric = DEFAULTS.stoppingMetric().name();
    private final java.util.Map<String, String> values = new java.util.LinkedHashMap<>();

    public TrainingForm() {
        PARAMETERS.forEach(p -> values.put(p.name(), p.defaultValue()));
    }

    public UUID getProjectId() {
        return projectId;
    }

    public void setProjectId(UUID projectId) {
        this.projectId = projectId;
    }

    public String getPsiRunId() {
        return psiRunId;
    }

    public void setPsiRunId(String psiRunId) {
        this.psiRunId = psiRunId == null ? "" : psiRunId.trim();
    }

    public String getStoppingMetric() {
        return stoppingMetric;
    }

    public void setStoppingMetric(String stoppingMetric) {
        this.stoppingMetric = stoppingMetric;
    }

    /** The typed values by parameter name (bound as {@code values[maxEpochs]}). */
    public java.util.Map<String, String> getValues() {
        return values;
    }
}
