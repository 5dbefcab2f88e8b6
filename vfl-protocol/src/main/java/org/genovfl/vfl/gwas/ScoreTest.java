package org.genovfl.vfl.gwas;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The plaintext reference of the per-variant score test with covariates, the statistic the
 * encrypted protocol computes; pure functions. For variant j with dosage vector g:
 * <pre>
 *   U = g' r,   V = (g' W g - g' W X (X'WX)^-1 X' W g) / phi
 * </pre>
 * with r, W, X, phi from the {@link NullModel} (U is divided by phi as well). This is the
 * efficient score test of beta_j = 0 in the GLM {@code g(E y) = X b + g beta_j} (Rao 1948),
 * as used genome-wide by SAIGE (Zhou et al. 2018, Nat Genet 50:1335) and REGENIE (Mbatchou et
 * al. 2021) before their corrections. Here V is computed the textbook way, with the inverse
 * of X'WX by LU decomposition, independently of the Cholesky factor B the protocol encrypts.
 */
public final class ScoreTest {

    private ScoreTest() {
    }

    /**
     * @param model the fitted null model
     * @param dosages one array per variant, one dosage per patient in the model's order (no NaN: impute first)
     */
    public static ScoreStatistic[] test(NullModel model, double[][] dosages) {
        double[][] x = model.design();
        int n = x.length;
        int k = x[0].length;
        double[] w = model.weights();
        double[][] xtwx = new double[k][k];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    xtwx[a][b] += x[i][a] * w[i] * x[i][b];
                }
            }
        }
        RealMatrix inverse = new LUDecomposition(new Array2DRowRealMatrix(xtwx, false)).getSolver().getInverse();
        ScoreStatistic[] out = new ScoreStatistic[dosages.length];
        for (int j = 0; j < dosages.length; j++) {
            out[j] = one(model, inverse, dosages[j]);
        }
        return out;
    }

    private static ScoreStatistic one(NullModel model, RealMatrix inverse, double[] g) {
        double[][] x = model.design();
        double[] w = model.weights();
        double[] r = model.residuals();
        int k = x[0].length;
        double u = 0;
        double gwg = 0;
        double[] xwg = new double[k];
        for (int i = 0; i < g.length; i++) {
            u += g[i] * r[i];
            gwg += g[i] * w[i] * g[i];
            for (int c = 0; c < k; c++) {
                xwg[c] += x[i][c] * w[i] * g[i];
            }
        }
        double correction = 0;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                correction += xwg[a] * inverse.getEntry(a, b) * xwg[b];
            }
        }
        double phi = model.varianceScale();
        return new ScoreStatistic(u / phi, (gwg - correction) / phi);
    }
}
