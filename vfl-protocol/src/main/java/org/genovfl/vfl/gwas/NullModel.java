package org.genovfl.vfl.gwas;

import java.util.Arrays;
import java.util.Objects;

/**
 * The regression of the outcome on the covariates alone (intercept first), fitted once per
 * scan by whoever holds the outcome. Everything the per-variant score test needs comes from
 * here: the residual {@code r = y - mu0}, the weights {@code w} (the diagonal of W), the
 * variance scale {@code phi} and the factor {@code B} with {@code B B' = W X (X'WX)^-1 X'W}.
 *
 * <p>For a binary outcome the model is logistic, fitted by iteratively reweighted least
 * squares, {@code w_i = mu0_i (1 - mu0_i)} and {@code phi = 1}. For a quantitative one it is
 * ordinary least squares, {@code w_i = 1} and {@code phi = sigma^2 = RSS / (n - k)}: the
 * score statistics are then {@code G'r / phi} and {@code G'MG / phi}, which is why the
 * encrypted protocol carries unit weights and lets the coordinator divide by {@code phi}.
 *
 * @param coefficients fitted coefficients, intercept first
 * @param residuals {@code y - mu0}
 * @param weights the diagonal of W before the division by {@code phi}
 * @param varianceScale {@code phi}: 1 for logistic, the residual variance for linear
 * @param covariateFactor {@code B = W X L^-T} (n x k, row-major by patient) where
 *     {@code L L' = X'WX}, so {@code ||B'g||^2 = g'WX(X'WX)^-1X'Wg}
 * @param design the covariate matrix with its intercept column (n x k)
 */
public record NullModel(Trait trait, double[] coefficients, double[] residuals, double[] weights,
        double varianceScale, double[][] covariateFactor, double[][] design) {

    private static final int MAX_ITERATIONS = 50;
    private static final double TOLERANCE = 1e-10;

    public NullModel {
        Objects.requireNonNull(trait, "trait");
        Objects.requireNonNull(residuals, "residuals");
    }

    public int sampleCount() {
        return residuals.length;
    }

    public int covariateCount() {
        return coefficients.length;
    }

    /**
     * Fits the null model.
     *
     * @param outcome y, one per patient (0/1 for {@link Trait#BINARY})
     * @param covariates per patient, without the intercept (which is added as the first column); may have 0 columns
     * @throws IllegalArgumentException if the shapes differ, a binary outcome is not 0/1,
     *     the covariates are collinear, or there are no more patients than covariates
     * @throws IllegalStateException if logistic IRLS does not converge (complete separation)
     */
    public static NullModel fit(Trait trait, double[] outcome, double[][] covariates) {
        Objects.requireNonNull(trait, "trait");
        int n = outcome.length;
        if (covariates.length != n) {
            throw new IllegalArgumentException("covariates: " + covariates.length + " rows for " + n + " outcomes");
        }
        double[][] x = withIntercept(covariates);
        int k = x[0].length;
        if (n <= k) {
            throw new IllegalArgumentException("outcome: " + n + " patients for " + k + " covariates");
        }
        if (trait == Trait.BINARY) {
            for (double v : outcome) {
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException("outcome: a binary trait takes 0 or 1");
                }
            }
            return logistic(outcome, x);
        }
        return linear(outcome, x);
    }

    private static NullModel linear(double[] y, double[][] x) {
        int n = y.length;
        int k = x[0].length;
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        double[] beta = solveWeighted(x, w, y);
        double[] r = new double[n];
        double rss = 0;
        for (int i = 0; i < n; i++) {
            r[i] = y[i] - dot(x[i], beta);
            rss += r[i] * r[i];
        }
        double sigma2 = rss / (n - k);
        return new NullModel(Trait.QUANTITATIVE, beta, r, w, sigma2, factor(x, w), x);
    }

    private static NullModel logistic(double[] y, double[][] x) {
        int n = y.length;
        int k = x[0].length;
        double[] beta = new double[k];
        double[] mu = new double[n];
        double[] w = new double[n];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] working = new double[n];
            for (int i = 0; i < n; i++) {
                double eta = dot(x[i], beta);
                mu[i] = 1 / (1 + Math.exp(-eta));
                w[i] = mu[i] * (1 - mu[i]);
                working[i] = eta + (y[i] - mu[i]) / w[i];
            }
            double[] next = solveWeighted(x, w, working);
            double change = 0;
            for (int c = 0; c < k; c++) {
                change = Math.max(change, Math.abs(next[c] - beta[c]));
            }
            beta = next;
            if (change < TOLERANCE) {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    mu[i] = 1 / (1 + Math.exp(-dot(x[i], beta)));
                    w[i] = mu[i] * (1 - mu[i]);
                    r[i] = y[i] - mu[i];
                }
                return new NullModel(Trait.BINARY, beta, r, w, 1.0, factor(x, w), x);
            }
        }
        throw new IllegalStateException("logistic null model did not converge in " + MAX_ITERATIONS
                + " iterations (separation by the covariates?)");
    }

    /**
     * For a quantitative trait, the model whose residual variance also accounts for a lab's
     * ancestry components P (orthonormal, orthogonal to the intercept): the full model's
     * {@code sigma^2 = (RSS - ||P'r||^2) / (n - k - p)}, as a regression with the components
     * as covariates has it (to the extent P is orthogonal to the clinical covariates). A binary
     * trait's score test does not use phi, so its model is returned unchanged. The encrypted
     * scan gets {@code ||P'r||^2} from the lab's encrypted component scores ({@link GwasLab}).
     */
    public NullModel adjustedForComponents(double[][] components) {
        if (trait != Trait.QUANTITATIVE || components.length == 0) {
            return this;
        }
        double explained = 0;
        for (double[] component : components) {
            double projection = dot(component, residuals);
            explained += projection * projection;
        }
        double adjusted = varianceScale
                * varianceRatio(sampleCount(), covariateCount(), components.length, explained / varianceScale);
        return new NullModel(trait, coefficients, residuals, weights, adjusted, covariateFactor, design);
    }

    /** {@code phi'/phi} from the squared norm of P'r in units of phi: the ratio the coordinator applies. */
    static double varianceRatio(int patients, int covariates, int components, double explainedOverPhi) {
        return ((patients - covariates) - explainedOverPhi) / (patients - covariates - components);
    }

    static double[][] withIntercept(double[][] covariates) {
        double[][] x = new double[covariates.length][];
        for (int i = 0; i < covariates.length; i++) {
            x[i] = new double[covariates[i].length + 1];
            x[i][0] = 1;
            System.arraycopy(covariates[i], 0, x[i], 1, covariates[i].length);
        }
        return x;
    }

    /** {@code (X'WX)^-1 X'W t} by Cholesky. */
    private static double[] solveWeighted(double[][] x, double[] w, double[] t) {
        int k = x[0].length;
        double[] rhs = new double[k];
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < k; c++) {
                rhs[c] += x[i][c] * w[i] * t[i];
            }
        }
        double[][] l = cholesky(gram(x, w));
        double[] z = forward(l, rhs);
        double[] beta = new double[k];
        for (int c = k - 1; c >= 0; c--) {
            double s = z[c];
            for (int d = c + 1; d < k; d++) {
                s -= l[d][c] * beta[d];
            }
            beta[c] = s / l[c][c];
        }
        return beta;
    }

    /** B = W X L^-T, row by row: row i of B solves L b = w_i x_i. */
    private static double[][] factor(double[][] x, double[] w) {
        double[][] l = cholesky(gram(x, w));
        double[][] b = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double[] scaled = x[i].clone();
            for (int c = 0; c < scaled.length; c++) {
                scaled[c] *= w[i];
            }
            b[i] = forward(l, scaled);
        }
        return b;
    }

    private static double[][] gram(double[][] x, double[] w) {
        int k = x[0].length;
        double[][] g = new double[k][k];
        for (int i = 0; i < x.length; i++) {
            for (int a = 0; a < k; a++) {
                for (int b = 0; b <= a; b++) {
                    g[a][b] += x[i][a] * w[i] * x[i][b];
                }
            }
        }
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                g[a][b] = g[b][a];
            }
        }
        return g;
    }

    private static double[][] cholesky(double[][] a) {
        int k = a.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int p = 0; p < j; p++) {
                    s -= l[i][p] * l[j][p];
                }
                if (i == j) {
                    if (s <= 1e-12 * Math.max(1, Math.abs(a[i][i]))) {
                        throw new IllegalArgumentException("covariates: collinear (column " + i + ")");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        return l;
    }

    private static double[] forward(double[][] l, double[] rhs) {
        double[] z = new double[rhs.length];
        for (int c = 0; c < rhs.length; c++) {
            double s = rhs[c];
            for (int d = 0; d < c; d++) {
                s -= l[c][d] * z[d];
            }
            z[c] = s / l[c][c];
        }
        return z;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
