package org.genovfl.vfl.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.genovfl.vfl.CohortSplit;
import org.genovfl.vfl.NesterovOptimizer;
import org.genovfl.vfl.StepSize;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.math.Metrics;
import org.genovfl.vfl.math.SigmoidPolynomial;
import org.genovfl.vfl.math.Standardizer;

/**
 * The model GenoVFL is measured against: the same logistic regression trained in the clear
 * on all features in one place, with the same split, batches, optimiser, schedule,
 * standardisation and stopping rule. With {@link Link#EXACT} it is the plain textbook
 * model; with {@link Link#CUBIC} it follows the encrypted protocol's arithmetic exactly, up
 * to CKKS noise.
 */
public final class CentralizedLogisticRegression {

    /** The link used for training residuals; validation always uses the exact sigmoid. */
    public enum Link { EXACT, CUBIC }

    /**
     * @param weights the released epoch's weights (by the configuration's release policy)
     * @param finalReport the released epoch's validation report
     * @param testReport the released weights on the test rows; null without test rows
     * @param diverged why the run diverged (as the coordinator would judge), or null
     * @param config the configuration trained with, its learning rate derived if it was left to the data
     */
    public record Result(double[] weights, int bestEpoch, List<Double> validationLogLoss, Metrics.Report finalReport,
            Metrics.Report testReport, String diverged, TrainingConfig config) {
    }

    private CentralizedLogisticRegression() {
    }

    /**
     * @param x all features of every aligned patient (the hospital's columns first)
     * @param labels 0/1
     * @return weights on the standardised scale, intercept last
     */
    public static Result train(double[][] x, double[] labels, TrainingConfig config, Link link) {
        if (!config.hasLearningRate()) {
            // Pooled, the whole design is one block: its own bound (see StepSize).
            config = config.withLearningRate(StepSize.learningRate(StepSize.localBound(x, true, config), config.l2()));
        }
        CohortSplit split = CohortSplit.of(labels.length, config);
        double[][] z = Standardizer.fit(x, split.training()).transform(x);
        DoubleUnaryOperator residualLink = link == Link.EXACT ? SigmoidPolynomial::sigmoid
                : SigmoidPolynomial.fit(config.sigmoidInterval())::apply;
        NesterovOptimizer optimizer = new NesterovOptimizer(x[0].length, true);
        double[] best = optimizer.weights();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        int stale = 0;
        List<Double> losses = new ArrayList<>();
        Metrics.Report bestReport = null;
        Metrics.Report lastReport = null;
        String diverged = null;
        for (int epoch = 0; epoch < config.maxEpochs(); epoch++) {
            for (int batch = 0; batch < split.batchesPerEpoch(); batch++) {
                int[] rows = split.batch(epoch, batch);
                double[] point = optimizer.lookahead(config.momentum());
                double[] scores = NesterovOptimizer.scores(z, rows, point, true);
                double[] gradient = new double[point.length];
                for (int k = 0; k < rows.length; k++) {
                    double d = residualLink.applyAsDouble(scores[k]) - labels[rows[k]];
                    double[] row = z[rows[k]];
                    for (int c = 0; c < row.length; c++) {
                        gradient[c] += row[c] * d / rows.length;
                    }
                    gradient[row.length] += d / rows.length;
                }
                optimizer.step(gradient, config.learningRateAt(epoch),
                        config.momentum(), config.l2());
            }
            Metrics.Report report = evaluate(z, labels, split.validation(), optimizer.weights());
            lastReport = report;
            losses.add(report.logLoss());
            double outside = shareOutside(z, split.validation(), optimizer.weights(), config.sigmoidInterval());
            if (!Double.isFinite(report.logLoss())
                    || (link == Link.CUBIC && outside > TrainingConfig.MAX_SHARE_OUTSIDE_INTERVAL)
                    || report.logLoss() > TrainingConfig.MAX_VALIDATION_LOG_LOSS) {
                diverged = "diverged at epoch " + epoch;
                break;
            }
            double loss = config.stoppingMetric().loss(report.auc().value(), report.logLoss());
            if (loss < bestLoss - config.minDelta()) {
                bestLoss = loss;
                bestEpoch = epoch;
                best = optimizer.weights();
                bestReport = report;
                stale = 0;
            } else if (++stale >= config.patience()) {
                break;
            }
        }
        if (config.releasePolicy() == TrainingConfig.ReleasePolicy.LAST_EPOCH && diverged == null) {
            best = optimizer.weights();
            bestReport = lastReport;
        }
        int[] test = split.test();
        Metrics.Report testReport = test.length == 0 || diverged != null ? null : evaluate(z, labels, test, best);
        return new Result(best, bestEpoch, losses, bestReport, testReport, diverged, config);
    }

    private static double shareOutside(double[][] z, int[] rows, double[] weights, double interval) {
        double[] scores = NesterovOptimizer.scores(z, rows, weights, true);
        return java.util.Arrays.stream(scores).filter(s -> Math.abs(s) > interval).count() / (double) rows.length;
    }

    /** Evaluates standardised {@code z} rows at {@code weights} (intercept last) with the exact sigmoid. */
    public static Metrics.Report evaluate(double[][] z, double[] labels, int[] rows, double[] weights) {
        double[] scores = NesterovOptimizer.scores(z, rows, weights, true);
        double[] p = new double[rows.length];
        double[] y = new double[rows.length];
        for (int k = 0; k < rows.length; k++) {
            p[k] = SigmoidPolynomial.sigmoid(scores[k]);
            y[k] = labels[rows[k]];
        }
        return Metrics.evaluate(p, y);
    }
}
