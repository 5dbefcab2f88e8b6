package org.genovfl.vfl.math;

/**
 * The odd cubic that stands in for the logistic function where it must be evaluated on
 * encrypted scores: {@code σ(z) ≈ 1/2 + a1·z + a3·z³}, the least-squares fit of σ on
 * {@code [-R, R]}.
 *
 * <p>Why a cubic: it costs multiplicative depth 2 under CKKS, which with one more level for
 * the gradient fits the depth-3 parameter set. Why least squares on an interval rather
 * than a Taylor series: Taylor is exact at 0 and useless beyond |z| ≈ 2, while the fit
 * spreads the error over the range where standardised, L2-regularised scores fall. The
 * error is largest near the ends (for R = 8: 0.114 at most on [-8, 8], 0.098 on [-4, 4]);
 * it enters gradient descent as a bounded, smooth perturbation of the residual, which moves
 * the optimum slightly but preserves the ranking of patients (AUC) — the accuracy
 * tests measure exactly that against the exact sigmoid. Outside [-R, R] the cubic turns
 * back towards the wrong side, so the training loop reports the share of scores outside
 * the interval (Kim, Song, Kim, Lee, Cheon: "Logistic regression model training based on
 * the approximate homomorphic encryption", BMC Med Genomics 2018, use the same fit).
 */
public record SigmoidPolynomial(double interval, double a1, double a3) {

    /** The least-squares cubic on [-8, 8]. */
    public static final SigmoidPolynomial DEFAULT = fit(8.0);

    /**
     * Fits 1/2 + a1 z + a3 z³ to σ on [-R, R] by least squares (odd basis, since σ - 1/2
     * is odd), integrating numerically on a fine grid.
     *
     * @throws IllegalArgumentException unless 0 < R <= 32
     */
    public static SigmoidPolynomial fit(double interval) {
        if (!(interval > 0 && interval <= 32)) {
            throw new IllegalArgumentException("interval must be in (0, 32], was " + interval);
        }
        int points = 20_001;
        double s11 = 0, s13 = 0, s33 = 0, b1 = 0, b3 = 0;
        for (int i = 0; i < points; i++) {
            double z = -interval + 2 * interval * i / (points - 1);
            double target = sigmoid(z) - 0.5;
            double z2 = z * z;
            s11 += z2;
            s13 += z2 * z2;
            s33 += z2 * z2 * z2;
            b1 += z * target;
            b3 += z2 * z * target;
        }
        double det = s11 * s33 - s13 * s13;
        return new SigmoidPolynomial(interval, (b1 * s33 - b3 * s13) / det, (s11 * b3 - s13 * b1) / det);
    }

    public double apply(double z) {
        return 0.5 + a1 * z + a3 * z * z * z;
    }

    /** Largest |poly - σ| on [-R, R], evaluated on a grid. */
    public double maxError() {
        double worst = 0;
        for (int i = 0; i <= 10_000; i++) {
            double z = -interval + 2 * interval * i / 10_000;
            worst = Math.max(worst, Math.abs(apply(z) - sigmoid(z)));
        }
        return worst;
    }

    /** The exact logistic function, computed without overflow. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }
}
