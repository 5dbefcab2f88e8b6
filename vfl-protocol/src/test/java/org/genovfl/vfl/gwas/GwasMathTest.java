package org.genovfl.vfl.gwas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The plaintext pieces the encrypted scan rests on, without SEAL. */
class GwasMathTest {

    @Test
    void chiSquareTailMatchesKnownQuantilesAndStaysFiniteFarOut() {
        assertThat(new ScoreStatistic(Math.sqrt(3.841458820694124), 1).p()).isCloseTo(0.05, within(1e-12));
        assertThat(new ScoreStatistic(Math.sqrt(29.71679), 1).minusLog10P()).isCloseTo(-Math.log10(5e-8), within(1e-4));
        // Past the double's range, the Mills-ratio expansion continues the tail smoothly.
        double justInside = new ScoreStatistic(Math.sqrt(1400), 1).minusLog10P();
        double outside = new ScoreStatistic(Math.sqrt(1500), 1).minusLog10P();
        assertThat(outside - justInside).isCloseTo(100 / (2 * Math.log(10)), within(0.05));
        assertThat(new ScoreStatistic(1, 0).testable()).isFalse();
    }

    @Test
    void hardyWeinbergExactTestAcceptsEquilibriumAndRejectsItsAbsence() {
        assertThat(VariantQc.hardyWeinbergExact(50, 25, 25)).isGreaterThan(0.8);
        assertThat(VariantQc.hardyWeinbergExact(0, 50, 50)).isLessThan(1e-25);
    }

    @Test
    void covariateFactorGivesTheTextbookCorrection() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 300;
        double[][] covariates = new double[n][3];
        double[] y = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                covariates[i][c] = random.nextGaussian();
            }
            g[i] = random.nextInt(3) + 0.3 * covariates[i][0];
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-covariates[i][1])) ? 1 : 0;
        }
        NullModel model = NullModel.fit(Trait.BINARY, y, covariates);
        // V through B, as the labs compute it: g'Wg - ||B'g||^2.
        double gwg = 0;
        double[] projection = new double[model.covariateCount()];
        for (int i = 0; i < n; i++) {
            gwg += g[i] * model.weights()[i] * g[i];
            for (int c = 0; c < projection.length; c++) {
                projection[c] += model.covariateFactor()[i][c] * g[i];
            }
        }
        double viaFactor = gwg - NullModel.dot(projection, projection);
        ScoreStatistic reference = ScoreTest.test(model, new double[][] {g})[0];
        assertThat(viaFactor).isCloseTo(reference.variance(), within(1e-9 * reference.variance()));
        // Residuals of a converged logistic fit with an intercept sum to zero: shifting g changes nothing.
        assertThat(java.util.Arrays.stream(model.residuals()).sum())
                .isCloseTo(0, within(1e-8));
    }

    @Test
    void fullCyclicFoldLeavesEveryRowWithTheTilesFullSums() {
        TileLayout layout = new TileLayout(64, 8); // 8 rows of 8 columns
        int n = 8;
        double[][] columns = new double[8][n];
        double[] r = new double[n];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            r[i] = random.nextGaussian();
            for (int j = 0; j < 8; j++) {
                columns[j][i] = random.nextInt(3);
            }
        }
        double[] product = layout.tile(columns, 0, 0);
        double[] replicated = layout.replicate(r, 0);
        for (int s = 0; s < product.length; s++) {
            product[s] *= replicated[s];
        }
        for (int step : layout.foldSteps()) {
            double[] rotated = new double[product.length];
            for (int s = 0; s < product.length; s++) {
                rotated[s] = product[(s + step) % product.length];
            }
            for (int s = 0; s < product.length; s++) {
                product[s] += rotated[s];
            }
        }
        for (int row = 0; row < 8; row++) {
            for (int j = 0; j < 8; j++) {
                assertThat(product[row * 8 + j]).isCloseTo(NullModel.dot(columns[j], r), within(1e-12));
            }
        }
    }

    @Test
    void layoutKeepsAboutSixteenSampleBlocks() {
        assertThat(TileLayout.forCohort(8192, 503).samplesPerBlock()).isEqualTo(32);
        assertThat(TileLayout.forCohort(8192, 10_000).samplesPerBlock()).isEqualTo(256);
        assertThat(TileLayout.forCohort(8192, 100).samplesPerBlock()).isEqualTo(16);
    }
}
