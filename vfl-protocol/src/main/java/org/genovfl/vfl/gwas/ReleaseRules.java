package org.genovfl.vfl.gwas;

/**
 * What a run may release, set per project (they limit membership inference from summary
 * statistics, Homer et al. 2008; see gwas.md). The coordinator refuses a run whose cohort
 * is below {@code minCohortSize}, and withholds (never decrypts into the released file) a
 * variant whose minor allele count is below {@code minMinorAlleleCount}; labs apply the
 * same count as a filter so such variants are not even computed.
 */
public record ReleaseRules(int minCohortSize, double minMinorAlleleCount) {

    /** 50 patients, 5 minor alleles: the defaults when a project sets none. */
    public static final ReleaseRules DEFAULT = new ReleaseRules(50, 5);

    public ReleaseRules {
        if (minCohortSize < 1 || minMinorAlleleCount < 0) {
            throw new IllegalArgumentException("releaseRules: minCohortSize >= 1, minMinorAlleleCount >= 0");
        }
    }

    /** The lab-side filter that enforces the minor allele count. */
    public VariantFilter labFilter() {
        return qc -> qc.minorAlleleCount() >= minMinorAlleleCount;
    }
}
