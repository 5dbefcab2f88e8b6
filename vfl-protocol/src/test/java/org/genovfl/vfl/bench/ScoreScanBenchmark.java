package org.genovfl.vfl.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.genovfl.vfl.gwas.GwasMessages.RunId;
import org.genovfl.vfl.gwas.LabGenotypes;
import org.genovfl.vfl.gwas.LocalGwasRun;
import org.genovfl.vfl.gwas.ReleaseRules;
import org.genovfl.vfl.gwas.Trait;
import org.genovfl.vfl.gwas.Variant;
import org.genovfl.vfl.gwas.VariantFilter;

/**
 * Benchmark (not a test): one encrypted GWAS scan (binary outcome, 10 clinical covariates,
 * one lab, no ancestry components) with all roles in this process (LocalGwasRun), on
 * synthetic genotypes: allele frequencies drawn from U(0.01, 0.5) per variant, Hardy-Weinberg
 * genotypes, 0.5% missing calls. Reports wall time, process CPU time, variants per second,
 * each role's busy time, payload bytes per party and peak RSS.
 *
 * <p>{@code bench/gwas/run.sh [patients] [variants] [covariates]}
 */
public final class ScoreScanBenchmark {

    public static void main(String[] args) throws IOException {
        int patients = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int variants = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int covariates = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path out = Path.of(args.length > 3 ? args[3] : "bench/results");

        SplittableRandom random = new SplittableRandom(16);
        double[][] clinical = EpochBenchmark.gaussian(random, patients, covariates);
        List<Variant> sites = new ArrayList<>();
        double[][] dosages = new double[variants][patients];
        for (int j = 0; j < variants; j++) {
            sites.add(new Variant("1", 1000L + 100L * j, "1:" + (1000 + 100 * j), "A", "G"));
            double p = 0.01 + 0.49 * random.nextDouble();
            for (int i = 0; i < patients; i++) {
                dosages[j][i] = random.nextDouble() < 0.005 ? Double.NaN
                        : (random.nextDouble() < p ? 1 : 0) + (random.nextDouble() < p ? 1 : 0);
            }
        }
        double[] outcome = new double[patients];
        for (int i = 0; i < patients; i++) {
            double g = Double.isNaN(dosages[0][i]) ? 0 : dosages[0][i];
            double logit = 0.3 * clinical[i][0] - 0.2 * clinical[i][1] + 0.5 * g;
            outcome[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double load = os.getSystemLoadAverage();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        LocalGwasRun.Outcome outcomeOfRun = LocalGwasRun.run(new RunId("bench", "gwas"), Trait.BINARY, outcome, clinical,
                List.of(new LocalGwasRun.LabInput("lab", new LabGenotypes(sites, dosages), 0)), VariantFilter.ALL,
                new ReleaseRules(50, 0));
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        long peakKb = EpochBenchmark.peakResidentKb();
        int scanned = outcomeOfRun.results().released().size();
        var traffic = outcomeOfRun.traffic();
        String json = String.format(Locale.ROOT, "{\n  \"benchmark\": \"gwas-score-scan\",\n  \"patients\": %d,\n"
                + "  \"variants\": %d,\n  \"covariates\": %d,\n  \"cores\": %d,\n  \"loadAverageAtStart\": %.1f,\n"
                + "  \"wallSeconds\": %.2f,\n  \"processCpuSeconds\": %.2f,\n  \"variantsPerSecond\": %.1f,\n"
                + "  \"busySeconds\": %s,\n  \"sentBytes\": %s,\n  \"receivedBytes\": %s,\n"
                + "  \"peakResidentMegabytesAllRoles\": %d,\n  \"lambdaGc\": %.3f\n}\n",
                patients, variants, covariates, Runtime.getRuntime().availableProcessors(), load, wall, cpu,
                scanned / wall, json(traffic.busyNanos(), 1e-9), json(traffic.sentBytes(), 1),
                json(traffic.receivedBytes(), 1), peakKb / 1024, outcomeOfRun.results().lambdaGc());
        System.out.print(json);
        Files.createDirectories(out);
        Path file = out.resolve("gwas-" + patients + "x" + variants + ".json");
        Files.writeString(file, json);
        System.out.println("written " + file);
    }

    private static String json(Map<String, ? extends Number> values, double factor) {
        return values.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "\"%s\": %s", e.getKey(),
                        factor == 1 ? Long.toString(e.getValue().longValue())
                                : String.format(Locale.ROOT, "%.2f", e.getValue().doubleValue() * factor)))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
