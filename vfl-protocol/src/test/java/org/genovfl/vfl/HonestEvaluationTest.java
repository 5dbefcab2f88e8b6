package org.genovfl.vfl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression.Link;
import org.genovfl.vfl.math.Metrics;
import org.junit.jupiter.api.Test;

/**
 * Training, validation and test rows; the release policy; calibration; hyper-parameters
 * that name what is wrong; λ against scikit-learn's C. Plain arithmetic, no encryption.
 */
class HonestEvaluationTest {

    @Test
    void shouldSplitIntoDisjointTrainingValidationAndTestRowsFromTheSeedAlone() {
        TrainingConfig config = TrainingConfig.defaults(5);
        CohortSplit split = CohortSplit.of(1000, config);
        assertThat(split.validation()).hasSize(200);
        assertThat(split.test()).hasSize(200);
        assertThat(split.training()).hasSize(600);
        Set<Integer> all = new HashSet<>();
        IntStream.of(split.training()).forEach(all::add);
        IntStream.of(split.validation()).forEach(all::add);
        IntStream.of(split.test()).forEach(all::add);
        assertThat(all).hasSize(1000);
        assertThat(CohortSplit.of(1000, config).test()).containsExactly(split.test());
        assertThat(CohortSplit.of(1000, TrainingConfig.defaults(6)).test()).isNotEqualTo(split.test());
        // Adding test rows keeps a seed's validation rows; they come out of the training rows.
        assertThat(CohortSplit.of(1000, config.withTestFraction(0)).validation()).containsExactly(split.validation());
        assertThat(CohortSplit.of(1000, config.withTestFraction(0)).test()).isEmpty();
    }

    @Test
    void shouldReleaseTheBestValidationEpochOrTheLastByPolicyAndMeasureItOnTheTestRows() {
        double[][] x = correlatedFeatures(600, 6, 0.3, 3);
        double[] y = plantedLabels(x, new double[] {0.8, -0.5, 0, 0, 0.3, 0}, 4);
        TrainingConfig best = TrainingConfig.defaults(8).withMaxEpochs(25);
        var bestRun = CentralizedLogisticRegression.train(x, y, best, Link.EXACT);
        var lastRun = CentralizedLogisticRegression.train(x, y,
                best.withReleasePolicy(TrainingConfig.ReleasePolicy.LAST_EPOCH), Link.EXACT);
        assertThat(bestRun.testReport()).isNotNull();
        assertThat(bestRun.testReport().patients()).isEqualTo(120);
        int epochs = lastRun.validationLogLoss().size();
        // The two policies train the same path; they differ in which epoch they release.
        assertThat(lastRun.bestEpoch()).isEqualTo(bestRun.bestEpoch());
        if (bestRun.bestEpoch() != epochs - 1) {
            assertThat(lastRun.weights()).isNotEqualTo(bestRun.weights());
        }
        // The released weights are measured on rows the validation never saw: evaluate them directly.
        CohortSplit split = CohortSplit.of(x.length, bestRun.config());
        double[][] z = org.genovfl.vfl.math.Standardizer.fit(x, split.training()).transform(x);
        assertThat(CentralizedLogisticRegression.evaluate(z, y, split.test(), lastRun.weights()).auc().value())
                .isEqualTo(lastRun.testReport().auc().value());
    }

    @Test
    void shouldFitCalibrationInterceptAndSlope() {
        SplittableRandom random = new SplittableRandom(1);
        int n = 20000;
        double[] p = new double[n];
        double[] overconfident = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double logit = random.nextGaussian() * 1.5;
            p[i] = 1 / (1 + Math.exp(-logit));
            overconfident[i] = 1 / (1 + Math.exp(-2 * logit));
            y[i] = random.nextDouble() < p[i] ? 1 : 0;
        }
        Metrics.CalibrationFit calibrated = Metrics.calibrationFit(p, y);
        assertThat(calibrated.slope()).isCloseTo(1.0, within(0.06));
        assertThat(calibrated.intercept()).isCloseTo(0.0, within(0.06));
        assertThat(Metrics.calibrationFit(overconfident, y).slope()).isCloseTo(0.5, within(0.04));
    }

    @Test
    void shouldNameTheFieldAndItsRangeOfAnInvalidHyperParameter() {
        assertThatThrownBy(() -> TrainingConfig.defaults(1).withLearningRate(-1))
                .isInstanceOfSatisfying(TrainingConfig.InvalidParameterException.class, e -> {
                    assertThat(e.field()).isEqualTo("learningRate");
                    assertThat(e.allowed()).contains("> 0");
                });
        assertThatThrownBy(() -> new TrainingConfig(1, 0.2, 0, 10, 0.1, 0, 1.0, 0, 3, 0, 8,
                TrainingConfig.StoppingMetric.AUC)).isInstanceOfSatisfying(
                        TrainingConfig.InvalidParameterException.class, e -> assertThat(e.field()).isEqualTo("momentum"));
        assertThatThrownBy(() -> TrainingConfig.defaults(1).withTestFraction(0.75))
                .isInstanceOfSatisfying(TrainingConfig.InvalidParameterException.class,
                        e -> assertThat(e.field()).isEqualTo("testFraction"));
    }

    @Test
    void shouldTranslateScikitLearnsCIntoLambda() {
        // sklearn minimises ½‖w‖² + C·Σ log-loss; divided by C·n: λ/2‖w‖² + mean log-loss with λ = 1/(C·n).
        assertThat(TrainingConfig.l2FromInverseRegularisation(1.0, 600)).isCloseTo(1.0 / 600, within(1e-15));
        assertThat(TrainingConfig.l2FromInverseRegularisation(0.01, 1000)).isCloseTo(0.1, within(1e-15));
    }

    static double[][] correlatedFeatures(int n, int m, double correlation, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[n][m];
        for (double[] row : x) {
            double shared = random.nextGaussian();
            for (int j = 0; j < m; j++) {
                row[j] = Math.sqrt(correlation) * shared + Math.sqrt(1 - correlation) * random.nextGaussian();
            }
        }
        return x;
    }

    static double[] plantedLabels(double[][] x, double[] effects, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return Arrays.stream(x).mapToDouble(row -> {
            double z = 0;
            for (int j = 0; j < effects.length; j++) {
                z += effects[j] * row[j];
            }
            return random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        }).toArray();
    }
}
