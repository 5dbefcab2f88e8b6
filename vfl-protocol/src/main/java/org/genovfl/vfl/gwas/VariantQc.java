package org.genovfl.vfl.gwas;

/**
 * A lab's local quality figures for one variant over the aligned cohort, from hard calls
 * rounded from the dosages. They are aggregate counts: the lab reports them beside the
 * encrypted statistics (as plink2 reports OBS_CT and A1_FREQ), never per-patient values.
 *
 * @param calledSamples patients with a dosage
 * @param altAlleleFrequency mean dosage / 2 over the called patients
 * @param minorAlleleCount minor allele count over the called patients
 * @param callRate calledSamples / cohort size
 * @param hardyWeinbergP exact test (Wigginton, Cutler and Abecasis 2005) on the hard calls
 */
public record VariantQc(int calledSamples, double altAlleleFrequency, double minorAlleleCount, double callRate,
        double hardyWeinbergP) {

    public double minorAlleleFrequency() {
        return Math.min(altAlleleFrequency, 1 - altAlleleFrequency);
    }

    /** From one variant's dosages, NaN for a missing call. */
    static VariantQc of(double[] dosages) {
        int called = 0;
        double sum = 0;
        int[] genotypeCounts = new int[3];
        for (double d : dosages) {
            if (!Double.isNaN(d)) {
                called++;
                sum += d;
                genotypeCounts[(int) Math.max(0, Math.min(2, Math.round(d)))]++;
            }
        }
        double frequency = called == 0 ? Double.NaN : sum / (2.0 * called);
        double minorCount = Math.min(sum, 2.0 * called - sum);
        return new VariantQc(called, frequency, minorCount, dosages.length == 0 ? 0 : (double) called / dosages.length,
                hardyWeinbergExact(genotypeCounts[1], genotypeCounts[0], genotypeCounts[2]));
    }

    /**
     * The exact test of Hardy-Weinberg equilibrium for one SNP (Wigginton, Cutler and
     * Abecasis 2005, AJHG 76:887), their reference implementation: the probability of
     * heterozygote counts no more likely than the observed one given the allele counts.
     */
    static double hardyWeinbergExact(int heterozygotes, int homozygotesRef, int homozygotesAlt) {
        int homRare = Math.min(homozygotesRef, homozygotesAlt);
        int homCommon = Math.max(homozygotesRef, homozygotesAlt);
        int genotypes = heterozygotes + homRare + homCommon;
        if (genotypes == 0) {
            return 1.0;
        }
        int rareCopies = 2 * homRare + heterozygotes;
        double[] probabilities = new double[rareCopies + 1];
        int mid = rareCopies * (2 * genotypes - rareCopies) / (2 * genotypes);
        if ((mid % 2) != (rareCopies % 2)) {
            mid++;
        }
        probabilities[mid] = 1.0;
        double sum = 1.0;
        int currHomR = (rareCopies - mid) / 2;
        int currHomC = genotypes - mid - currHomR;
        for (int het = mid; het > 1; het -= 2) {
            probabilities[het - 2] = probabilities[het] * het * (het - 1.0) / (4.0 * (currHomR + 1.0) * (currHomC + 1.0));
            sum += probabilities[het - 2];
            currHomR++;
            currHomC++;
        }
        currHomR = (rareCopies - mid) / 2;
        currHomC = genotypes - mid - currHomR;
        for (int het = mid; het <= rareCopies - 2; het += 2) {
            probabilities[het + 2] = probabilities[het] * 4.0 * currHomR * currHomC / ((het + 2.0) * (het + 1.0));
            sum += probabilities[het + 2];
            currHomR--;
            currHomC--;
        }
        double observed = probabilities[heterozygotes] / sum;
        double p = 0;
        for (double probability : probabilities) {
            if (probability / sum <= observed * (1 + 1e-8)) {
                p += probability / sum;
            }
        }
        return Math.min(1.0, p);
    }
}
