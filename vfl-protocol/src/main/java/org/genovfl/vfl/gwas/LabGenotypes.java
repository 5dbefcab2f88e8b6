package org.genovfl.vfl.gwas;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A lab's genotypes for the aligned cohort, and their local preparation for the scan. The
 * preparation is the lab's alone and never leaves it:
 * <ol>
 *   <li>{@link VariantQc} per variant and the {@link VariantFilter} (project quality filters and
 *       the release rule's minimum minor allele count);</li>
 *   <li>missing dosages are replaced by the variant's mean dosage over the called patients
 *       (mean imputation: a per-variant missingness pattern cannot be dropped from the
 *       hospital's null model without telling the hospital who is missing, see gwas.md);</li>
 *   <li>each column is centred: the intercept is always a covariate, so U and V do not change,
 *       and the encrypted sums lose no precision to a large mean;</li>
 *   <li>optionally the lab's own ancestry components are projected out of every column
 *       (EIGENSTRAT, Price et al. 2006, Nat Genet 38:904), which is how lab-side covariates
 *       enter the scan without leaving the lab.</li>
 * </ol>
 *
 * @param variants the lab's sites
 * @param dosages one array per variant, one alternate-allele dosage per patient (NaN = missing)
 */
public record LabGenotypes(List<Variant> variants, double[][] dosages) {

    /** Seeds the components' random start, so a lab's components are reproducible. */
    static final long ANCESTRY_SEED = 20260101L;

    public LabGenotypes {
        variants = List.copyOf(variants);
        Objects.requireNonNull(dosages, "dosages");
        if (variants.size() != dosages.length) {
            throw new IllegalArgumentException("dosages: " + dosages.length + " columns for " + variants.size() + " variants");
        }
    }

    /**
     * The columns that enter the scan, with their QC figures, in the lab's order, and the
     * orthonormal ancestry components projected out of them (none, or components x patients).
     */
    public record Prepared(List<Variant> variants, List<VariantQc> qc, double[][] columns, int sampleCount,
            double[][] components) {
        public int size() {
            return variants.size();
        }
    }

    /**
     * @param filter the variants to keep
     * @param ancestryComponents how many principal components of the lab's own genotypes to
     *     project out (0 for none)
     */
    public Prepared prepare(VariantFilter filter, int ancestryComponents) {
        List<Variant> kept = new ArrayList<>();
        List<VariantQc> qcs = new ArrayList<>();
        List<double[]> columns = new ArrayList<>();
        int n = dosages.length == 0 ? 0 : dosages[0].length;
        for (int j = 0; j < dosages.length; j++) {
            if (dosages[j].length != n) {
                throw new IllegalArgumentException("dosages: variant " + j + " has " + dosages[j].length + " patients, not " + n);
            }
            VariantQc qc = VariantQc.of(dosages[j]);
            if (qc.calledSamples() == 0 || !filter.keep(qc)) {
                continue;
            }
            double mean = 2 * qc.altAlleleFrequency();
            double[] centred = new double[n];
            for (int i = 0; i < n; i++) {
                centred[i] = Double.isNaN(dosages[j][i]) ? 0 : dosages[j][i] - mean;
            }
            kept.add(variants.get(j));
            qcs.add(qc);
            columns.add(centred);
        }
        double[][] matrix = columns.toArray(double[][]::new);
        double[][] components = new double[0][];
        if (ancestryComponents > 0) {
            components = principalComponents(matrix, n, ancestryComponents, ANCESTRY_SEED);
            projectOut(matrix, components);
        }
        return new Prepared(kept, qcs, matrix, n, components);
    }

    /**
     * The top principal components (patient loadings, orthonormal, n x count) of the centred
     * and standardised columns, by subspace iteration on Z Z' with a few extra vectors
     * (Halko, Martinsson and Tropp 2011): cost O(n m q) per iteration, no n x n matrix.
     */
    static double[][] principalComponents(double[][] centredColumns, int n, int count, long seed) {
        int q = count + 10;
        int m = centredColumns.length;
        double[] inverseSd = new double[m];
        for (int j = 0; j < m; j++) {
            double ss = 0;
            for (double v : centredColumns[j]) {
                ss += v * v;
            }
            inverseSd[j] = ss == 0 ? 0 : Math.sqrt((n - 1) / ss);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] basis = new double[q][n];
        for (double[] vector : basis) {
            for (int i = 0; i < n; i++) {
                vector[i] = random.nextGaussian();
            }
        }
        orthonormalise(basis);
        for (int iteration = 0; iteration < 12; iteration++) {
            double[][] next = new double[q][n];
            for (int j = 0; j < m; j++) {
                double[] z = centredColumns[j];
                for (int c = 0; c < q; c++) {
                    double projection = NullModel.dot(z, basis[c]) * inverseSd[j] * inverseSd[j];
                    double[] target = next[c];
                    for (int i = 0; i < n; i++) {
                        target[i] += projection * z[i];
                    }
                }
            }
            basis = next;
            orthonormalise(basis);
        }
        double[][] top = new double[count][];
        System.arraycopy(basis, 0, top, 0, count);
        return top;
    }

    /** Replaces every column c by c - P P' c, P orthonormal. */
    static void projectOut(double[][] columns, double[][] orthonormal) {
        for (double[] column : columns) {
            for (double[] component : orthonormal) {
                double projection = NullModel.dot(column, component);
                for (int i = 0; i < column.length; i++) {
                    column[i] -= projection * component[i];
                }
            }
        }
    }

    /** Modified Gram-Schmidt in place. */
    private static void orthonormalise(double[][] vectors) {
        for (int a = 0; a < vectors.length; a++) {
            for (int b = 0; b < a; b++) {
                double projection = NullModel.dot(vectors[a], vectors[b]);
                for (int i = 0; i < vectors[a].length; i++) {
                    vectors[a][i] -= projection * vectors[b][i];
                }
            }
            double norm = Math.sqrt(NullModel.dot(vectors[a], vectors[a]));
            for (int i = 0; i < vectors[a].length; i++) {
                vectors[a][i] /= norm;
            }
        }
    }
}
