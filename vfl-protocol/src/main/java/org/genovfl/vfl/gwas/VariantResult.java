package org.genovfl.vfl.gwas;

/**
 * One variant's released association: the statistic and the lab's aggregate QC counts.
 * {@code released} is false when the release rules withhold it; its statistics are then NaN.
 */
public record VariantResult(Variant variant, String lab, VariantQc qc, ScoreStatistic statistic, double effectScale,
        boolean released) {

    public double chiSquare() {
        return released ? statistic.chiSquare() : Double.NaN;
    }

    /** Effect of one more copy of the alternate allele (log odds for a binary trait). */
    public double beta() {
        return released ? statistic.beta() : Double.NaN;
    }

    public double standardError() {
        return released ? statistic.standardError() : Double.NaN;
    }

    public double p() {
        return released ? statistic.p() : Double.NaN;
    }

    public double minusLog10P() {
        return released ? statistic.minusLog10P() : Double.NaN;
    }
}
