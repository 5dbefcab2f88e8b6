package org.genovfl.party.ingest.genomics;

/**
 * Per-site quality figures of one bi-allelic variant: alternate allele frequency as
 * bcftools computes it (AC/AN over called alleles), call rate and the Hardy-Weinberg
 * exact test p-value.
 *
 * @param alleleCount AC: called copies of the alternate allele
 * @param alleleNumber AN: called alleles of any kind
 * @param calledSamples samples with a complete call
 * @param samples samples in the dataset
 */
public record VariantStatistics(long alleleCount, long alleleNumber, int calledSamples, int samples,
        int homRef, int het, int homAlt) {

    /** AC/AN, or NaN if no allele was called. */
    public double alternateAlleleFrequency() {
        return alleleNumber == 0 ? Double.NaN : (double) alleleCount / alleleNumber;
    }

    /** min(AF, 1 - AF). */
    public double minorAlleleFrequency() {
        double af = alternateAlleleFrequency();
        return Math.min(af, 1 - af);
    }

    public double callRate() {
        return samples == 0 ? Double.NaN : (double) calledSamples / samples;
    }

    /** Hardy-Weinberg exact p over the diploid calls (see {@link #hardyWeinbergExactP}). */
    public double hardyWeinbergP() {
        return hardyWeinbergExactP(het, homRef, homAlt);
    }

    /**
     * The two-sided Hardy-Weinberg exact test of Wigginton, Cutler and Abecasis (2005), "A
     * note on exact tests of Hardy-Weinberg equilibrium", Am J Hum Genet 76:887-893, as
     * PLINK computes it: the sum of the probabilities of every heterozygote count no more
     * likely than the observed one, given the allele counts.
     */
    public static double hardyWeinbergExactP(int hets, int homs1, int homs2) {
        if (hets < 0 || homs1 < 0 || homs2 < 0) {
            throw new IllegalArgumentException("genotype counts must not be negative");
        }
        int homRare = Math.min(homs1, homs2);
        int homCommon = Math.max(homs1, homs2);
        int rareCopies = 2 * homRare + hets;
        int genotypes = hets + homCommon + homRare;
        if (genotypes == 0) {
            return 1.0;
        }
        double[] probabilities = new double[rareCopies + 1];
        // Start at the most likely heterozygote count and walk both ways (relative values).
        int mid = (int) ((long) rareCopies * (2L * genotypes - rareCopies) / (2L * genotypes));
        if ((mid & 1) != (rareCopies & 1)) {
            mid++;
        }
        probabilities[mid] = 1.0;
        double sum = 1.0;
        int currHomR = (rareCopies - mid) / 2;
        int currHomC = genotypes - mid - currHomR;
        for (int h = mid; h > 1; h -= 2) {
            probabilities[h - 2] = probabilities[h] * h * (h - 1.0) / (4.0 * (currHomR + 1.0) * (currHomC + 1.0));
            sum += probabilities[h - 2];
            currHomR++;
            currHomC++;
        }
        currHomR = (rareCopies - mid) / 2;
        currHomC = genotypes - mid - currHomR;
        for (int h = mid; h <= rareCopies - 2; h += 2) {
            probabilities[h + 2] = probabilities[h] * 4.0 * currHomR * currHomC / ((h + 2.0) * (h + 1.0));
            sum += probabilities[h + 2];
            currHomR--;
            currHomC--;
        }
        double observed = probabilities[hets];
        double p = 0;
        for (double probability : probabilities) {
            if (probability <= observed * (1 + 1e-8)) {
                p += probability;
            }
        }
        return Math.min(1.0, p / sum);
    }
}
