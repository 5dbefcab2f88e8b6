package org.genovfl.vfl.protocol;

import java.util.Arrays;
import java.util.List;
import org.genovfl.he.Ciphertext;
import org.genovfl.vfl.CohortSplit;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;
import org.genovfl.vfl.he.EncryptedAlgebra;
import org.genovfl.vfl.he.RunKeys;
import org.genovfl.vfl.inference.PartyModel;
import org.genovfl.vfl.math.Metrics;
import org.genovfl.vfl.math.SigmoidPolynomial;
import org.genovfl.vfl.protocol.Messages.EncryptedScores;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.Messages.MaskedValues;
import org.genovfl.vfl.protocol.Messages.TestReport;

/**
 * The one measurement of the released model on the test rows, which neither early stopping
 * nor the choice of the released epoch saw. Each party scores the test rows with exactly
 * the share of the model it released ({@link PartyModel}: its standardiser and
 * coefficients), so the figures describe the released model and nothing else. The message
 * flow is validation's: labs → hospital encrypted partial scores, hospital → coordinator the
 * masked sum, coordinator → hospital the masked values ({@link Coordinator#decryptTest},
 * once), hospital → coordinator aggregates ({@link TestReport}).
 */
public final class TestEvaluation {

    private final RoundId round;
    private final RunKeys keys;
    private final EncryptedAlgebra algebra;
    private final PartyModel model;
    private final double[][] clinical;
    private final double[] labels;
    private final TrainingConfig config;
    private final int[] testRows;
    private final int labCount;
    private double[] mask;

    /**
     * The hospital's side.
     *
     * @param round {@link RoundId#test} of the released epoch
     * @param clinical the hospital's raw columns of every aligned row
     * @param labels 0/1 of every aligned row
     * @param keys the run's public keys (not closed here)
     * @throws IllegalArgumentException if the round is not a test round or there are no test rows
     */
    public TestEvaluation(RoundId round, PartyModel model, double[][] clinical, double[] labels, int labCount,
            TrainingConfig config, RunKeys keys) {
        if (!round.isTest()) {
            throw new IllegalArgumentException(round + " is not a test round");
        }
        this.round = round;
        this.model = model;
        this.clinical = clinical;
        this.labels = labels.clone();
        this.labCount = labCount;
        this.config = config;
        this.keys = keys;
        this.algebra = new EncryptedAlgebra(keys.context(), keys.layout());
        this.testRows = CohortSplit.of(labels.length, config).test();
        if (testRows.length == 0) {
            throw new IllegalArgumentException("the run has no test rows (testFraction 0)");
        }
    }

    /**
     * A lab's encrypted partial scores of the test rows under its released model.
     *
     * @throws IllegalArgumentException if the round is not a test round or there are no test rows
     */
    public static EncryptedScores labScores(RoundId round, String lab, PartyModel model, double[][] rawFeatures,
            TrainingConfig config, RunKeys keys) {
        if (!round.isTest()) {
            throw new IllegalArgumentException(round + " is not a test round");
        }
        int[] rows = CohortSplit.of(rawFeatures.length, config).test();
        if (rows.length == 0) {
            throw new IllegalArgumentException("the run has no test rows (testFraction 0)");
        }
        double[] z = model.partialScores(select(rawFeatures, rows));
        return new EncryptedScores(round, lab, EncryptedAlgebra.toWire(keys.encryptPacked(z)));
    }

    /** The labs' scores summed with the hospital's own, masked in every slot, for the coordinator. */
    public MaskedScores maskedScores(List<EncryptedScores> labScores) {
        if (labScores.size() != labCount || labScores.stream().map(EncryptedScores::sender).distinct().count() != labCount) {
            throw new TrainingException(round, "expected test scores from " + labCount + " distinct labs");
        }
        for (EncryptedScores scores : labScores) {
            if (!scores.round().equals(round)) {
                throw new TrainingException(round, "test scores from " + scores.sender() + " are for " + scores.round());
            }
        }
        List<Ciphertext> summed = ScoreMasking.sumLabScores(keys, algebra, labScores);
        double[] own = model.partialScores(select(clinical, testRows));
        mask = algebra.freshMask(EncryptedAlgebra.SCORE_MASK);
        return ScoreMasking.maskedSum(round, keys, algebra, summed, own, mask);
    }

    /**
     * Unmasks the test scores and reports aggregates: AUC with its DeLong interval,
     * log-loss, Brier score, accuracy, calibration (logistic recalibration and a binned
     * reliability table), and the references the hospital can compute alone on the same
     * rows (the prevalence-only log-loss, the test AUC of its own columns alone).
     */
    public TestReport report(MaskedValues answer) {
        if (mask == null || !answer.round().equals(round)) {
            throw new TrainingException(answer.round(), "no test scoring is pending for this round");
        }
        double[] z = ScoreMasking.unmask(answer, mask, testRows.length, keys.layout().slots());
        mask = null;
        double[] p = new double[z.length];
        double[] y = new double[z.length];
        int outside = 0;
        for (int k = 0; k < z.length; k++) {
            p[k] = SigmoidPolynomial.sigmoid(z[k]);
            y[k] = labels[testRows[k]];
            outside += Math.abs(z[k]) > config.sigmoidInterval() ? 1 : 0;
        }
        Metrics.Report metrics = Metrics.evaluate(p, y);
        Metrics.CalibrationFit fit = Metrics.calibrationFit(p, y);
        return new TestReport(round, metrics.patients(), metrics.positives(), metrics.auc().value(),
                metrics.auc().lower(), metrics.auc().upper(), metrics.logLoss(), metrics.brier(), metrics.accuracy(),
                fit.intercept(), fit.slope(), Arrays.asList(metrics.calibration()), (double) outside / z.length,
                prevalenceLogLoss(y), clinicalOnlyAuc());
    }

    /** Log-loss on the test rows of predicting the training rows' prevalence for everyone. */
    private double prevalenceLogLoss(double[] testLabels) {
        int[] training = CohortSplit.of(labels.length, config).training();
        double positives = Arrays.stream(training).mapToDouble(r -> labels[r]).sum();
        double prevalence = positives / training.length;
        double[] constant = new double[testLabels.length];
        Arrays.fill(constant, prevalence);
        return Metrics.logLoss(constant, testLabels);
    }

    /** The hospital's columns alone, trained in the clear with the run's settings, on the test rows. */
    private double clinicalOnlyAuc() {
        if (clinical.length == 0 || clinical[0].length == 0) {
            return Double.NaN;
        }
        var result = CentralizedLogisticRegression.train(clinical, labels, config,
                CentralizedLogisticRegression.Link.EXACT);
        return result.testReport() == null ? Double.NaN : result.testReport().auc().value();
    }

    static double[][] select(double[][] rows, int[] indices) {
        double[][] out = new double[indices.length][];
        for (int k = 0; k < indices.length; k++) {
            out[k] = rows[indices[k]];
        }
        return out;
    }
}
