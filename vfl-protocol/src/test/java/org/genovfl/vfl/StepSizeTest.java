package org.genovfl.vfl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression.Link;
import org.genovfl.vfl.math.Standardizer;
import org.junit.jupiter.api.Test;

/**
 * The data-derived step size: each party's local bound is never below its block's largest
 * Gram eigenvalue, the sum of the blocks' bounds is never below the whole design's, and the
 * derived step trains wide standardised genotype data that the old default (0.5) drives out
 * of the cubic's interval.
 */
class StepSizeTest {

    @Test
    void shouldBoundEachBlockAndTheirSumBoundsTheWholeDesign() {
        double[][] lab = linkedGenotypes(800, 300, 11);
        double[][] clinical = HonestEvaluationTest.correlatedFeatures(800, 4, 0.5, 12);
        TrainingConfig config = TrainingConfig.defaults(3);
        int[] training = CohortSplit.of(800, config).training();
        double labBound = StepSize.localBound(lab, false, config);
        double clinicalBound = StepSize.localBound(clinical, true, config);
        double labEigen = largestEigenvalue(Standardizer.fit(lab, training).transform(lab), training, false);
        assertThat(labBound).isGreaterThanOrEqualTo(labEigen).isLessThan(2 * labEigen);
        double[][] whole = new double[800][];
        for (int r = 0; r < 800; r++) {
            whole[r] = concat(clinical[r], lab[r]);
        }
        double wholeEigen = largestEigenvalue(Standardizer.fit(whole, training).transform(whole), training, true);
        assertThat(labBound + clinicalBound).isGreaterThanOrEqualTo(wholeEigen);
        // Rounded up to a power of 2^(1/4): a coarse summary only.
        double exponent = 4 * Math.log(labBound) / Math.log(2);
        assertThat(exponent).isCloseTo(Math.rint(exponent), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldConvergeOnWideStandardisedGenotypesWhereTheOldDefaultDiverged() {
        double[][] x = linkedGenotypes(1000, 452, 21);
        double[] effects = new double[452];
        effects[10] = 0.25;
        effects[200] = -0.2;
        effects[400] = 0.2;
        double[] y = HonestEvaluationTest.plantedLabels(standardised(x), effects, 22);
        TrainingConfig defaults = TrainingConfig.defaults(4).withMaxEpochs(30);
        var oldDefault = CentralizedLogisticRegression.train(x, y, defaults.withLearningRate(0.5), Link.CUBIC);
        assertThat(oldDefault.diverged()).as("learning rate 0.5 on 452 columns").isNotNull();
        var derived = CentralizedLogisticRegression.train(x, y, defaults, Link.CUBIC);
        assertThat(derived.diverged()).as("derived learning rate").isNull();
        assertThat(derived.testReport()).isNotNull();
        assertThat(derived.config().learningRate()).isLessThan(0.5);
    }

    /**
     * Dosages 0/1/2 in three candidate regions of about 150 sites in strong linkage
     * disequilibrium (each site copies its region's haplotype dosage 90% of the time).
     */
    static double[][] linkedGenotypes(int n, int m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[n][m];
        for (int r = 0; r < n; r++) {
            int latent = 0;
            for (int j = 0; j < m; j++) {
                if (j % 151 == 0) {
                    latent = (random.nextDouble() < 0.3 ? 1 : 0) + (random.nextDouble() < 0.3 ? 1 : 0);
                }
                x[r][j] = random.nextDouble() < 0.9 ? latent : random.nextInt(3);
            }
        }
        return x;
    }

    private static double[][] standardised(double[][] x) {
        int[] all = java.util.stream.IntStream.range(0, x.length).toArray();
        return Standardizer.fit(x, all).transform(x);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** λ_max of XᵀX/n over {@code rows} by power iteration (converges from below: a lower estimate). */
    private static double largestEigenvalue(double[][] x, int[] rows, boolean intercept) {
        int m = x[0].length + (intercept ? 1 : 0);
        double[] v = new double[m];
        Arrays.fill(v, 1 / Math.sqrt(m));
        double lambda = 0;
        for (int iteration = 0; iteration < 300; iteration++) {
            double[] next = new double[m];
            for (int r : rows) {
                double dot = intercept ? v[m - 1] : 0;
                for (int j = 0; j < x[r].length; j++) {
                    dot += x[r][j] * v[j];
                }
                for (int j = 0; j < x[r].length; j++) {
                    next[j] += x[r][j] * dot / rows.length;
                }
                if (intercept) {
                    next[m - 1] += dot / rows.length;
                }
            }
            double norm = Math.sqrt(Arrays.stream(next).map(a -> a * a).sum());
            lambda = norm;
            for (int j = 0; j < m; j++) {
                v[j] = next[j] / norm;
            }
        }
        return lambda;
    }
}
