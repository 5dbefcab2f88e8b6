package org.genovfl.vfl;

import htsjdk.variant.variantcontext.Genotype;
import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.vcf.VCFFileReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A study built on the 503 real genotypes of Debian's shapeit4-example (1000 Genomes,
 * chr20): the lab holds the dosages of common variants spread along the chromosome; the
 * hospital holds two clinical covariates and an outcome planted on a few of those variants
 * (logistic model with known effects), drawn with a fixed seed.
 */
final class PlantedGenotypeCohort {

    final double[][] genotypes;
    final double[][] clinical;
    final double[] outcome;
    final int[] causalColumns;
    final List<String> variantIds = new ArrayList<>();

    private PlantedGenotypeCohort(double[][] genotypes, double[][] clinical, double[] outcome, int[] causal) {
        this.genotypes = genotypes;
        this.clinical = clinical;
        this.outcome = outcome;
        this.causalColumns = causal;
    }

    /**
     * @param variants how many common variants (alternate allele frequency 0.1-0.9) the lab keeps,
     *     evenly spaced over the file
     */
    static PlantedGenotypeCohort load(int variants, long seed) {
        // The package's 503 samples: 300 phased in reference.vcf.gz, 203 unphased in
        // unphased.vcf.gz, over the same 24,990 sites in the same order.
        Path dir = ResearchData.dataDirectory().resolve("shapeit4-example");
        List<double[]> columns = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        int samples;
        try (VCFFileReader reference = new VCFFileReader(dir.resolve("reference.vcf.gz"), false);
                VCFFileReader unphased = new VCFFileReader(dir.resolve("unphased.vcf.gz"), false)) {
            samples = reference.getFileHeader().getNGenotypeSamples() + unphased.getFileHeader().getNGenotypeSamples();
            var second = unphased.iterator();
            for (VariantContext site : reference) {
                VariantContext other = second.next();
                if (other.getStart() != site.getStart() || !other.getAlleles().equals(site.getAlleles())) {
                    throw new IllegalStateException("reference and unphased VCFs differ at " + site.getStart());
                }
                if (!site.isBiallelic() || !site.isSNP()) {
                    continue;
                }
                double[] dosage = new double[samples];
                double sum = 0;
                int s = 0;
                for (VariantContext part : List.of(site, other)) {
                    for (Genotype genotype : part.getGenotypesOrderedByName()) {
                        dosage[s] = genotype.countAllele(part.getAlternateAllele(0));
                        sum += dosage[s++];
                    }
                }
                double frequency = sum / (2.0 * samples);
                if (frequency >= 0.1 && frequency <= 0.9) {
                    columns.add(dosage);
                    ids.add(site.getContig() + ":" + site.getStart());
                }
            }
        }
        int step = columns.size() / variants;
        double[][] genotypes = new double[samples][variants];
        PlantedGenotypeCohort cohort;
        List<String> kept = new ArrayList<>();
        for (int v = 0; v < variants; v++) {
            double[] dosage = columns.get(v * step);
            kept.add(ids.get(v * step));
            for (int s = 0; s < samples; s++) {
                genotypes[s][v] = dosage[s];
            }
        }
        // Planted where the panel can tell them apart: near 1/5, 1/2 and 4/5 of the
        // chromosome, the variant least correlated (linkage disequilibrium) with any other.
        double[][] standardised = standardise(genotypes);
        int[] causal = {leastLinked(standardised, variants / 5), leastLinked(standardised, variants / 2),
            leastLinked(standardised, 4 * variants / 5)};
        double[] effects = {1.6, -1.6, 1.6};
        SplittableRandom random = new SplittableRandom(seed);
        double[][] clinical = new double[samples][2];
        double[] outcome = new double[samples];
        for (int s = 0; s < samples; s++) {
            clinical[s][0] = 40 + 25 * random.nextDouble();          // age
            clinical[s][1] = random.nextDouble() < 0.5 ? 0 : 1;      // sex
            double logit = -0.3 + 0.04 * (clinical[s][0] - 52.5) + 0.5 * (clinical[s][1] - 0.5);
            for (int k = 0; k < causal.length; k++) {
                logit += effects[k] * standardised[s][causal[k]];
            }
            outcome[s] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        }
        cohort = new PlantedGenotypeCohort(genotypes, clinical, outcome, causal);
        cohort.variantIds.addAll(kept);
        return cohort;
    }

    /** Hospital columns first, then the lab's: the centralised model's design matrix. */
    double[][] allFeatures() {
        double[][] all = new double[outcome.length][];
        for (int s = 0; s < all.length; s++) {
            all[s] = new double[clinical[s].length + genotypes[s].length];
            System.arraycopy(clinical[s], 0, all[s], 0, clinical[s].length);
            System.arraycopy(genotypes[s], 0, all[s], clinical[s].length, genotypes[s].length);
        }
        return all;
    }

    private static int leastLinked(double[][] z, int from) {
        int best = from;
        double bestR = Double.POSITIVE_INFINITY;
        for (int c = from; c < Math.min(from + 10, z[0].length); c++) {
            double worst = 0;
            for (int other = 0; other < z[0].length; other++) {
                if (other != c) {
                    double r = 0;
                    for (double[] row : z) {
                        r += row[c] * row[other];
                    }
                    worst = Math.max(worst, Math.abs(r / (z.length - 1)));
                }
            }
            if (worst < bestR) {
                bestR = worst;
                best = c;
            }
        }
        return best;
    }

    private static double[][] standardise(double[][] x) {
        int n = x.length;
        int m = x[0].length;
        double[][] out = new double[n][m];
        for (int c = 0; c < m; c++) {
            double mean = 0;
            for (double[] row : x) {
                mean += row[c] / n;
            }
            double var = 0;
            for (double[] row : x) {
                var += (row[c] - mean) * (row[c] - mean) / (n - 1);
            }
            double sd = Math.sqrt(var);
            for (int r = 0; r < n; r++) {
                out[r][c] = sd == 0 ? 0 : (x[r][c] - mean) / sd;
            }
        }
        return out;
    }
}
