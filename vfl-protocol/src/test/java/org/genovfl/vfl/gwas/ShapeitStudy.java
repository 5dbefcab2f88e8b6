package org.genovfl.vfl.gwas;

import htsjdk.variant.variantcontext.Genotype;
import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.vcf.VCFFileReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A study on the 503 real genotypes of Debian's shapeit4-example (1000 Genomes, chr20, all
 * biallelic SNPs): the lab holds the dosages, with 0.5% of calls set missing at random; the
 * hospital holds age, sex and two outcomes (binary and quantitative) planted on ten causal
 * variants, the clinical covariates, and the first ancestry component of the genotypes (so
 * stratification is real and the lab's components matter). Fixed seeds.
 */
final class ShapeitStudy {

    static final double MISSING_RATE = 0.005;
    static final int CAUSAL = 10;

    final List<String> sampleIds = new ArrayList<>();
    final List<Variant> variants = new ArrayList<>();
    final double[][] dosages;
    final double[][] clinical;
    final double[] binaryOutcome;
    final double[] quantitativeOutcome;
    final List<Variant> causal = new ArrayList<>();

    private ShapeitStudy(List<String> ids, List<Variant> sites, List<double[]> columns, long seed) {
        sampleIds.addAll(ids);
        variants.addAll(sites);
        int n = sampleIds.size();
        dosages = columns.toArray(double[][]::new);
        SplittableRandom random = new SplittableRandom(seed);
        // Ten causal common variants, one per tenth of the region, each the one least in
        // linkage disequilibrium with its neighbours, with effects of distinct sizes: the top
        // hits are then ten separate signals rather than one LD block's near-ties.
        LabGenotypes.Prepared common = new LabGenotypes(variants, dosages).prepare(VariantFilter.quality(0.01, 0.95, 1e-6), 0);
        double[][] standardised = standardise(common.columns());
        double[][] causalColumns = new double[CAUSAL][];
        for (int k = 0; k < CAUSAL; k++) {
            int c = leastLinked(standardised, common.qc(), k * standardised.length / CAUSAL,
                    (k + 1) * standardised.length / CAUSAL);
            causal.add(common.variants().get(c));
            causalColumns[k] = standardised[c];
        }
        double[] ancestry = LabGenotypes.principalComponents(common.columns(), n, 1, 99L)[0];
        double ancestrySd = Math.sqrt(NullModel.dot(ancestry, ancestry) / n);
        clinical = new double[n][2];
        binaryOutcome = new double[n];
        quantitativeOutcome = new double[n];
        for (int i = 0; i < n; i++) {
            clinical[i][0] = 40 + 25 * random.nextDouble();
            clinical[i][1] = random.nextDouble() < 0.5 ? 0 : 1;
            double binaryGenetic = 0;
            double quantitativeGenetic = 0;
            for (int k = 0; k < CAUSAL; k++) {
                double sign = k % 2 == 0 ? 1 : -1;
                binaryGenetic += sign * (1.5 - 0.06 * k) * causalColumns[k][i];
                quantitativeGenetic += sign * (3.6 - 0.1 * k) * causalColumns[k][i];
            }
            double stratification = 0.3 * ancestry[i] / ancestrySd;
            double logit = -0.4 + 0.04 * (clinical[i][0] - 52.5) + 0.5 * (clinical[i][1] - 0.5) + binaryGenetic
                    + stratification;
            binaryOutcome[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
            quantitativeOutcome[i] = 120 + 0.3 * clinical[i][0] - 4 * clinical[i][1] + quantitativeGenetic
                    + 3 * stratification + 4 * random.nextGaussian();
        }
    }

    /**
     * Among the variants in [from, to) with MAF above 0.2, the one whose largest |r| with any
     * variant within 200 columns is smallest: a signal without close proxies.
     */
    private static int leastLinked(double[][] z, List<VariantQc> qc, int from, int to) {
        int best = from;
        double bestR = Double.POSITIVE_INFINITY;
        for (int c = from; c < to; c++) {
            if (qc.get(c).minorAlleleFrequency() < 0.2) {
                continue;
            }
            double worst = 0;
            for (int other = Math.max(0, c - 200); other < Math.min(z.length, c + 200); other++) {
                if (other != c) {
                    worst = Math.max(worst, Math.abs(NullModel.dot(z[c], z[other]) / z[c].length));
                }
            }
            if (worst < bestR) {
                bestR = worst;
                best = c;
            }
        }
        return best;
    }

    private static double[][] standardise(double[][] centred) {
        double[][] out = new double[centred.length][];
        for (int c = 0; c < centred.length; c++) {
            double sd = Math.sqrt(NullModel.dot(centred[c], centred[c]) / centred[c].length);
            out[c] = centred[c].clone();
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] /= sd;
            }
        }
        return out;
    }

    static ShapeitStudy load(long seed) {
        Path dir = dataDirectory().resolve("shapeit4-example");
        List<double[]> columns = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Variant> variants = new ArrayList<>();
        SplittableRandom missing = new SplittableRandom(seed ^ 0x5eedL);
        try (VCFFileReader reference = new VCFFileReader(dir.resolve("reference.vcf.gz"), false);
                VCFFileReader unphased = new VCFFileReader(dir.resolve("unphased.vcf.gz"), false)) {
            ids.addAll(reference.getFileHeader().getSampleNamesInOrder());
            int firstUnphased = ids.size();
            ids.addAll(unphased.getFileHeader().getSampleNamesInOrder());
            var second = unphased.iterator();
            for (VariantContext site : reference) {
                VariantContext other = second.next();
                if (other.getStart() != site.getStart() || !other.getAlleles().equals(site.getAlleles())) {
                    throw new IllegalStateException("reference and unphased VCFs differ at " + site.getStart());
                }
                if (!site.isBiallelic() || !site.isSNP()) {
                    continue;
                }
                double[] dosage = new double[ids.size()];
                for (int s = 0; s < ids.size(); s++) {
                    VariantContext part = s < firstUnphased ? site : other;
                    Genotype genotype = part.getGenotype(ids.get(s));
                    dosage[s] = genotype.isNoCall() || missing.nextDouble() < MISSING_RATE ? Double.NaN
                            : genotype.countAllele(part.getAlternateAllele(0));
                }
                String ref = site.getReference().getBaseString();
                String alt = site.getAlternateAllele(0).getBaseString();
                variants.add(new Variant(site.getContig(), site.getStart(),
                        site.getContig() + ":" + site.getStart() + ":" + ref + ":" + alt, ref, alt));
                columns.add(dosage);
            }
        }
        return new ShapeitStudy(ids, variants, columns, seed);
    }

    LabGenotypes genotypes() {
        return new LabGenotypes(variants, dosages);
    }

    LabGenotypes genotypes(int from, int to) {
        double[][] part = new double[to - from][];
        System.arraycopy(dosages, from, part, 0, to - from);
        return new LabGenotypes(variants.subList(from, to), part);
    }

    /** Writes the kept variants as a VCF (hard calls, ./. for missing) for plink2. */
    void writeVcf(Path file, List<Variant> kept) {
        java.util.Map<Variant, Integer> index = new java.util.HashMap<>();
        for (int c = 0; c < variants.size(); c++) {
            index.put(variants.get(c), c);
        }
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("##fileformat=VCFv4.2\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
            out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT");
            for (String id : sampleIds) {
                out.write("\t" + id);
            }
            out.write("\n");
            StringBuilder line = new StringBuilder();
            for (Variant v : kept) {
                double[] d = dosages[index.get(v)];
                line.setLength(0);
                line.append(v.chromosome()).append('\t').append(v.position()).append('\t').append(v.id()).append('\t')
                        .append(v.ref()).append('\t').append(v.alt()).append("\t.\tPASS\t.\tGT");
                for (double g : d) {
                    line.append('\t').append(Double.isNaN(g) ? "./." : g == 0 ? "0/0" : g == 1 ? "0/1" : "1/1");
                }
                out.write(line.append('\n').toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** plink2 phenotype file: binary coded 1 = control, 2 = case. */
    void writePhenotypes(Path file) {
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("#IID\tCASE\tLEVEL\n");
            for (int i = 0; i < sampleIds.size(); i++) {
                out.write(String.format(Locale.ROOT, "%s\t%d\t%.10g%n", sampleIds.get(i), (int) binaryOutcome[i] + 1,
                        quantitativeOutcome[i]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** plink2 covariate file: the clinical covariates and the given ancestry components. */
    void writeCovariates(Path file, double[][] components) {
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("#IID\tAGE\tSEX");
            for (int c = 0; c < components.length; c++) {
                out.write("\tPC" + (c + 1));
            }
            out.write("\n");
            for (int i = 0; i < sampleIds.size(); i++) {
                out.write(String.format(Locale.ROOT, "%s\t%.10g\t%.0f", sampleIds.get(i), clinical[i][0], clinical[i][1]));
                for (double[] component : components) {
                    out.write(String.format(Locale.ROOT, "\t%.12g", component[i]));
                }
                out.write("\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path dataDirectory() {
        String configured = System.getProperty("genovfl.data.dir");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "genovfl", "data");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("research data not found in " + dir + ": run data/fetch.sh");
        }
        return dir;
    }
}
