package org.genovfl.vfl.gwas;

/**
 * Which variants a lab scans, decided locally from its own {@link VariantQc}. The project's
 * quality filters (minimum MAF, call rate, HWE p) and the release rule's minimum minor
 * allele count arrive here as one predicate; the lab never sends a variant that fails it.
 */
@FunctionalInterface
public interface VariantFilter {

    boolean keep(VariantQc qc);

    VariantFilter ALL = qc -> true;

    /** The project's quality filters; a null bound is not applied (as in the project specification). */
    static VariantFilter quality(Double minMinorAlleleFrequency, Double minCallRate, Double minHardyWeinbergP) {
        return qc -> (minMinorAlleleFrequency == null || qc.minorAlleleFrequency() >= minMinorAlleleFrequency)
                && (minCallRate == null || qc.callRate() >= minCallRate)
                && (minHardyWeinbergP == null || qc.hardyWeinbergP() >= minHardyWeinbergP);
    }

    default VariantFilter and(VariantFilter other) {
        return qc -> keep(qc) && other.keep(qc);
    }
}
