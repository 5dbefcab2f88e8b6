package org.genovfl.vfl.gwas;

import org.apache.commons.math3.special.Gamma;

/**
 * One variant's score test from its score {@code U} and its variance {@code V} (Rao 1948):
 * {@code chi2 = U^2 / V} on one degree of freedom, the one-step effect {@code beta = U / V}
 * and its standard error {@code 1 / sqrt(V)}. A variance that is not positive (a variant
 * that is constant after the covariates are projected out) gives NaN statistics.
 *
 * @param score U
 * @param variance V
 */
public record ScoreStatistic(double score, double variance) {

    /** Below this V the variant carries no information beyond the covariates. */
    static final double MIN_VARIANCE = 1e-8;

    public boolean testable() {
        return variance > MIN_VARIANCE && Double.isFinite(score);
    }

    public double chiSquare() {
        return testable() ? score * score / variance : Double.NaN;
    }

    public double beta() {
        return testable() ? score / variance : Double.NaN;
    }

    public double standardError() {
        return testable() ? 1 / Math.sqrt(variance) : Double.NaN;
    }

    /** Upper tail of chi-squared(1): the regularized upper incomplete gamma Q(1/2, chi2/2). */
    public double p() {
        return testable() ? Gamma.regularizedGammaQ(0.5, chiSquare() / 2) : Double.NaN;
    }

    /**
     * -log10 p, accurate also where p underflows a double (chi2 above about 1,400): there the
     * Mills-ratio expansion of the normal tail, {@code p ~ exp(-x/2) sqrt(2/(pi x)) (1 - 1/x)}.
     */
    public double minusLog10P() {
        if (!testable()) {
            return Double.NaN;
        }
        double p = p();
        if (p > 0) {
            return -Math.log10(p);
        }
        double x = chiSquare();
        double lnP = -x / 2 + 0.5 * Math.log(2 / (Math.PI * x)) + Math.log1p(-1 / x);
        return -lnP / Math.log(10);
    }
}
