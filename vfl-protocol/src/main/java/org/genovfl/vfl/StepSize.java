package org.genovfl.vfl;

import org.genovfl.vfl.math.Standardizer;

/**
 * A step size derived from the data, so that the defaults converge on standardised data of
 * any width without anyone pooling it.
 *
 * <p>The mean log-loss's gradient is Lipschitz with constant {@code L ≤ ¼ λ_max(XᵀX/n) + λ}
 * (σ' ≤ ¼; the cubic stand-in's slope is at most a₁ ≈ 0.15 inside its interval), and
 * gradient descent, with or without Nesterov momentum, cannot overshoot with
 * {@code η ≤ 1/L}. For the columns split between parties, {@code X = [X₁ … X_k]},
 * {@code ‖Xv‖ ≤ Σ_b ‖X_b‖ ‖v_b‖ ≤ (Σ_b ‖X_b‖²)^½ ‖v‖} (Cauchy-Schwarz), so
 * {@code λ_max(XᵀX) ≤ Σ_b λ_max(X_bᵀX_b)}: each party bounds its own block and the sum of
 * the bounds bounds the whole design. A party's bound is Gershgorin's (the largest absolute
 * row sum of its Gram matrix {@code X_bᵀX_b/n} on the training rows), never below the
 * eigenvalue, and rounded up to a power of 2^¼ so that it reveals at most a coarse summary
 * of the block's correlations (see docs/protocols/vfl-lr.md, who learns what).
 */
public final class StepSize {

    /** Above this many columns the Gram matrix is not formed and the trace bound (the column count) is used. */
    static final int MAX_GERSHGORIN_COLUMNS = 4096;

    private StepSize() {
    }

    /**
     * An upper bound on the largest eigenvalue of this party's standardised block's Gram
     * matrix over the training rows, counting the intercept column (all ones) if it holds it.
     *
     * @param rawFeatures this party's columns of the aligned cohort
     */
    public static double localBound(double[][] rawFeatures, boolean hasIntercept, TrainingConfig config) {
        CohortSplit split = CohortSplit.of(rawFeatures.length, config);
        int[] rows = split.training();
        double[][] x = Standardizer.fit(rawFeatures, rows).transform(rawFeatures);
        int m = rawFeatures.length == 0 ? 0 : rawFeatures[0].length;
        double bound = m <= MAX_GERSHGORIN_COLUMNS ? gershgorin(x, rows, m) : m;
        // The intercept's column of ones is orthogonal to every centred column on the training
        // rows, so it adds a block of eigenvalue exactly 1.
        return roundUp(hasIntercept ? Math.max(bound, 1.0) : bound, hasIntercept);
    }

    /** η₀ = 1 / (bound/4 + λ) for the sum of every party's local bound. */
    public static double learningRate(double designBound, double l2) {
        if (!(designBound > 0) || !Double.isFinite(designBound)) {
            throw new IllegalArgumentException("the design's eigenvalue bound must be positive and finite, got "
                    + designBound);
        }
        return 1.0 / (designBound / 4 + l2);
    }

    private static double gershgorin(double[][] x, int[] rows, int m) {
        double[][] gram = new double[m][m];
        for (int row : rows) {
            double[] r = x[row];
            for (int i = 0; i < m; i++) {
                double ri = r[i];
                if (ri == 0) {
                    continue;
                }
                double[] g = gram[i];
                for (int j = i; j < m; j++) {
                    g[j] += ri * r[j];
                }
            }
        }
        double max = 0;
        for (int i = 0; i < m; i++) {
            double sum = 0;
            for (int j = 0; j < m; j++) {
                sum += Math.abs(i <= j ? gram[i][j] : gram[j][i]);
            }
            max = Math.max(max, sum / rows.length);
        }
        return max;
    }

    private static double roundUp(double bound, boolean hasIntercept) {
        double atLeast = Math.max(bound, hasIntercept ? 1.0 : 0x1p-8);
        return Math.pow(2, Math.ceil(4 * Math.log(atLeast) / Math.log(2) - 1e-12) / 4);
    }
}
