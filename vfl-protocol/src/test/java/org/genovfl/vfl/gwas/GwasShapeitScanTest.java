package org.genovfl.vfl.gwas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.genovfl.vfl.gwas.GwasMessages.RunId;
import org.genovfl.vfl.gwas.LocalGwasRun.LabInput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The encrypted scan on real genotypes (shapeit4-example, 503 patients, every biallelic SNP
 * of chr20 that passes the project filters) against (1) the plaintext score test computed
 * here from the same inputs and (2) plink2 --glm on the same calls, covariates and outcome.
 * Binary outcome with one lab; quantitative outcome with two labs splitting the variants,
 * each projecting out two ancestry components of its own genotypes.
 */
class GwasShapeitScanTest {

    static final VariantFilter PROJECT_FILTERS = VariantFilter.quality(0.01, 0.95, 1e-6);
    static final ReleaseRules RULES = ReleaseRules.DEFAULT;
    static final int ANCESTRY_COMPONENTS = 2;
    static final Path OUT = Path.of("target", "gwas");

    static ShapeitStudy study;
    static LocalGwasRun.Outcome binary;
    static LocalGwasRun.Outcome quantitative;
    static LocalGwasRun.Outcome quantitativeTwoLabs;

    @BeforeAll
    static void scan() throws IOException {
        Files.createDirectories(OUT);
        study = ShapeitStudy.load(16L);
        long start = System.nanoTime();
        binary = LocalGwasRun.run(new RunId("shapeit", "binary"), Trait.BINARY, study.binaryOutcome, study.clinical,
                List.of(new LabInput("lab-a", study.genotypes(), ANCESTRY_COMPONENTS)), PROJECT_FILTERS, RULES);
        report("binary, one lab", binary, start);
        start = System.nanoTime();
        quantitative = LocalGwasRun.run(new RunId("shapeit", "quantitative"), Trait.QUANTITATIVE,
                study.quantitativeOutcome, study.clinical,
                List.of(new LabInput("lab-a", study.genotypes(), ANCESTRY_COMPONENTS)), PROJECT_FILTERS, RULES);
        report("quantitative, one lab", quantitative, start);
        // Two labs, each with half of the variants and ancestry components of its own half.
        int half = study.variants.size() / 2;
        start = System.nanoTime();
        quantitativeTwoLabs = LocalGwasRun.run(new RunId("shapeit", "quantitative-two-labs"), Trait.QUANTITATIVE,
                study.quantitativeOutcome, study.clinical,
                List.of(new LabInput("lab-a", study.genotypes(0, half), ANCESTRY_COMPONENTS),
                        new LabInput("lab-b", study.genotypes(half, study.variants.size()), ANCESTRY_COMPONENTS)),
                PROJECT_FILTERS, RULES);
        report("quantitative, two labs", quantitativeTwoLabs, start);
        for (var named : Map.of("binary", binary, "quantitative", quantitative).entrySet()) {
            GwasResults results = named.getValue().results();
            results.writeSummaryStatistics(OUT.resolve(named.getKey() + ".glm.tsv"));
            GwasPlots.manhattan(results, OUT.resolve(named.getKey() + "-manhattan.png"));
            GwasPlots.qq(results, OUT.resolve(named.getKey() + "-qq.png"));
        }
    }

    private static void report(String what, LocalGwasRun.Outcome outcome, long start) {
        System.out.printf("%s: %s in %.1f s; bytes sent %s; planted %s%n", what, outcome.results(),
                (System.nanoTime() - start) / 1e9, outcome.traffic().sentBytes(),
                study.causal.stream().map(Variant::id).toList());
        outcome.results().topHits(10).forEach(hit -> System.out.printf("  %s  -log10 p %.2f  beta %.3f  se %.3f%n",
                hit.variant().id(), hit.minusLog10P(), hit.beta(), hit.standardError()));
    }

    @Test
    void binaryScanEqualsThePlaintextScoreTest() {
        Map<String, LabGenotypes> labs = Map.of("lab-a", study.genotypes());
        assertMatchesPlaintext(binary.results(), NullModel.fit(Trait.BINARY, study.binaryOutcome, study.clinical), labs);
    }

    @Test
    void quantitativeScanEqualsThePlaintextScoreTest() {
        assertMatchesPlaintext(quantitative.results(),
                NullModel.fit(Trait.QUANTITATIVE, study.quantitativeOutcome, study.clinical),
                Map.of("lab-a", study.genotypes()));
    }

    @Test
    void quantitativeScanWithTwoLabsEqualsThePlaintextScoreTest() {
        int half = study.variants.size() / 2;
        Map<String, LabGenotypes> labs = Map.of("lab-a", study.genotypes(0, half),
                "lab-b", study.genotypes(half, study.variants.size()));
        assertMatchesPlaintext(quantitativeTwoLabs.results(),
                NullModel.fit(Trait.QUANTITATIVE, study.quantitativeOutcome, study.clinical), labs);
        assertThat(quantitativeTwoLabs.results().variants().stream().map(VariantResult::lab).distinct())
                .containsExactlyInAnyOrder("lab-a", "lab-b");
    }

    @Test
    void plotsAndSummaryStatisticsAreWritten() throws IOException {
        for (String name : List.of("binary", "quantitative")) {
            assertThat(javax.imageio.ImageIO.read(OUT.resolve(name + "-manhattan.png").toFile()).getWidth()).isEqualTo(1200);
            assertThat(javax.imageio.ImageIO.read(OUT.resolve(name + "-qq.png").toFile()).getHeight()).isEqualTo(500);
            List<String> lines = Files.readAllLines(OUT.resolve(name + ".glm.tsv"));
            assertThat(lines.get(0)).startsWith("#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tOBS_CT\tBETA\tSE");
            assertThat(lines).hasSize(binary.results().released().size() + 1);
        }
    }

    @Test
    void binaryScanAgreesWithPlink2() throws Exception {
        assertAgreesWithPlink2(binary.results(), "CASE", "binary");
    }

    @Test
    void quantitativeScanAgreesWithPlink2() throws Exception {
        assertAgreesWithPlink2(quantitative.results(), "LEVEL", "quantitative");
    }

    private static void assertMatchesPlaintext(GwasResults results, NullModel model, Map<String, LabGenotypes> labs) {
        Map<String, ScoreStatistic> expected = new HashMap<>();
        for (var lab : labs.entrySet()) {
            LabGenotypes.Prepared prepared = lab.getValue().prepare(PROJECT_FILTERS.and(RULES.labFilter()),
                    ANCESTRY_COMPONENTS);
            ScoreStatistic[] reference = ScoreTest.test(model.adjustedForComponents(prepared.components()),
                    prepared.columns());
            for (int j = 0; j < reference.length; j++) {
                expected.put(prepared.variants().get(j).id(), reference[j]);
            }
        }
        assertThat(results.released()).hasSize(expected.size()).hasSizeGreaterThan(5000);
        double worstP = 0;
        double worstBeta = 0;
        for (VariantResult r : results.released()) {
            ScoreStatistic reference = expected.get(r.variant().id());
            worstP = Math.max(worstP, Math.abs(r.minusLog10P() - reference.minusLog10P()));
            worstBeta = Math.max(worstBeta, Math.abs(r.beta() - reference.beta()) / reference.standardError());
        }
        System.out.printf("%s: max |delta -log10 p| = %.2e, max |delta beta| / se = %.2e over %d variants%n",
                results.trait(), worstP, worstBeta, results.released().size());
        assertThat(worstP).isLessThan(1e-3);
        assertThat(worstBeta).isLessThan(1e-3);
    }

    private static void assertAgreesWithPlink2(GwasResults results, String phenotype, String name) throws Exception {
        Path dir = OUT.resolve("plink2-" + name).toAbsolutePath();
        Files.createDirectories(dir);
        List<Variant> tested = results.released().stream().map(VariantResult::variant).toList();
        study.writeVcf(dir.resolve("genotypes.vcf"), tested);
        study.writePhenotypes(dir.resolve("pheno.tsv"));
        // plink2 gets the full covariate model: age, sex and the lab's two ancestry components.
        LabGenotypes.Prepared unprojected = study.genotypes().prepare(PROJECT_FILTERS.and(RULES.labFilter()), 0);
        study.writeCovariates(dir.resolve("covar.tsv"), LabGenotypes.principalComponents(unprojected.columns(),
                study.sampleIds.size(), ANCESTRY_COMPONENTS, LabGenotypes.ANCESTRY_SEED));
        Process plink = new ProcessBuilder("plink2", "--vcf", "genotypes.vcf", "--pheno", "pheno.tsv", "--pheno-name",
                phenotype, "--covar", "covar.tsv", "--covar-variance-standardize", "--glm", "hide-covar", "--threads",
                "1", "--memory", "1000", "--out", "scan").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("plink2.out").toFile()).start();
        assertThat(plink.waitFor()).as("plink2 exit status, see " + dir.resolve("plink2.out")).isZero();
        Path glm;
        try (Stream<Path> files = Files.list(dir)) {
            glm = files.filter(f -> f.getFileName().toString().startsWith("scan." + phenotype + ".glm.")).findFirst()
                    .orElseThrow(() -> new AssertionError("no plink2 .glm output in " + dir));
        }
        Map<String, Double> plinkLog10P = readPlinkLog10P(glm);
        List<double[]> pairs = new ArrayList<>();
        double worst = 0;
        String worstId = "";
        for (VariantResult r : results.released()) {
            Double theirs = plinkLog10P.get(r.variant().id());
            if (theirs != null) {
                pairs.add(new double[] {r.minusLog10P(), theirs});
                if (Math.abs(r.minusLog10P() - theirs) > worst) {
                    worst = Math.abs(r.minusLog10P() - theirs);
                    worstId = r.variant().id();
                }
            }
        }
        double correlation = new PearsonsCorrelation().correlation(pairs.stream().mapToDouble(p -> p[0]).toArray(),
                pairs.stream().mapToDouble(p -> p[1]).toArray());
        double meanAbs = pairs.stream().mapToDouble(p -> Math.abs(p[0] - p[1])).average().orElseThrow();
        List<String> ours = results.topHits(10).stream().map(r -> r.variant().id()).toList();
        List<String> theirs = plinkLog10P.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(10).map(Map.Entry::getKey).collect(Collectors.toList());
        System.out.printf("%s vs plink2 (%s): %d variants, correlation of -log10 p %.5f, mean |delta| %.4f, "
                + "max |delta| %.3f at %s%n  ours %s%n  plink2 %s%n", name, glm.getFileName(), pairs.size(), correlation,
                meanAbs, worst, worstId, ours, theirs);
        assertThat(pairs.size()).isGreaterThan(results.released().size() * 99 / 100);
        assertThat(correlation).isGreaterThanOrEqualTo(0.99);
        assertThat(ours).containsExactlyInAnyOrderElementsOf(theirs);
    }

    /** ID and P columns of a plink2 .glm file, ADD rows only, NA skipped. */
    private static Map<String, Double> readPlinkLog10P(Path glm) throws IOException {
        List<String> lines = Files.readAllLines(glm);
        List<String> header = List.of(lines.get(0).split("\t"));
        int id = header.indexOf("ID");
        int p = header.indexOf("P");
        int test = header.indexOf("TEST");
        Map<String, Double> out = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            if ((test < 0 || cells[test].equals("ADD")) && !cells[p].equals("NA")) {
                out.put(cells[id], -Math.log10(Double.parseDouble(cells[p])));
            }
        }
        return out;
    }
}
