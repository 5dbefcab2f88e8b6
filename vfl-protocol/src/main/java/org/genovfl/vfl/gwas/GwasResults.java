package org.genovfl.vfl.gwas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A finished scan's released statistics, in the labs' variant order.
 */
public record GwasResults(Trait trait, int patients, List<VariantResult> variants) {

    /** Median of chi-squared(1): qchisq(0.5, 1). */
    static final double CHI_SQUARE_MEDIAN = 0.454936423119572;

    public GwasResults {
        variants = List.copyOf(variants);
    }

    public List<VariantResult> released() {
        return variants.stream().filter(VariantResult::released).filter(v -> v.statistic().testable()).toList();
    }

    /** Genomic inflation: median released chi2 / 0.4549 (Devlin and Roeder 1999). */
    public double lambdaGc() {
        double[] chi = released().stream().mapToDouble(VariantResult::chiSquare).sorted().toArray();
        if (chi.length == 0) {
            return Double.NaN;
        }
        double median = chi.length % 2 == 1 ? chi[chi.length / 2] : (chi[chi.length / 2 - 1] + chi[chi.length / 2]) / 2;
        return median / CHI_SQUARE_MEDIAN;
    }

    /** The {@code count} released variants with the smallest p, smallest first. */
    public List<VariantResult> topHits(int count) {
        return released().stream().sorted(Comparator.comparingDouble(VariantResult::minusLog10P).reversed())
                .limit(count).toList();
    }

    /**
     * Writes the summary statistics as tab-separated text with plink2 .glm column names
     * (A1 is the alternate allele, the tested one) plus CHISQ and LOG10_P; withheld variants
     * are not written. GWAS-SSF names: chromosome, base_pair_location, variant_id,
     * other_allele, effect_allele, n, effect_allele_frequency, beta, standard_error,
     * chi-squared statistic, p_value, neg_log_10_p_value.
     */
    public void writeSummaryStatistics(Path file) {
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tOBS_CT\tBETA\tSE\tCHISQ\tP\tLOG10_P\n");
            for (VariantResult r : released()) {
                Variant v = r.variant();
                out.write(String.format(Locale.ROOT, "%s\t%d\t%s\t%s\t%s\t%s\t%.6g\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g%n",
                        v.chromosome(), v.position(), v.id(), v.ref(), v.alt(), v.alt(), r.qc().altAlleleFrequency(),
                        r.qc().calledSamples(), r.beta(), r.standardError(), r.chiSquare(), r.p(), -r.minusLog10P()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write summary statistics to " + file, e);
        }
    }

    /** The released -log10 p values, in variant order. */
    public double[] minusLog10P() {
        return released().stream().mapToDouble(VariantResult::minusLog10P).toArray();
    }

    @Override
    public String toString() {
        return "GwasResults[" + trait + ", " + patients + " patients, " + variants.size() + " variants, "
                + released().size() + " released, lambdaGC " + String.format(Locale.ROOT, "%.3f", lambdaGc()) + "]";
    }
}
