package org.genovfl.vfl.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Supplier;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedPartialScores;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedScoreSum;
import org.genovfl.vfl.inference.InferenceMessages.ScoringKeys;
import org.genovfl.vfl.inference.PartyModel;
import org.genovfl.vfl.inference.ScoreAggregator;
import org.genovfl.vfl.inference.ScoreContributor;
import org.genovfl.vfl.inference.ScoreRequester;
import org.genovfl.vfl.math.SigmoidPolynomial;
import org.genovfl.vfl.math.Standardizer;

/**
 * Benchmark (not a test): one vertical inference run at the shape, 100,000 aligned
 * patients × (30 hospital + 300 per lab) features, every role in this process, one step
 * after the other: wall and CPU time per step, bytes of ciphertext each step produces (the
 * coordinator's: what it received), and the largest difference from the plaintext model.
 *
 * <p>{@code bench/vfl/inference.sh [patients] [hospitalFeatures] [labFeatures] [labs]}
 */
public final class InferenceBenchmark {

    private static final List<String> rows = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        int patients = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int clinicalFeatures = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int genomicFeatures = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int labs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Path out = Path.of(args.length > 4 ? args[4] : "bench/results");

        SplittableRandom random = new SplittableRandom(3);
        double[][] clinical = EpochBenchmark.gaussian(random, patients, clinicalFeatures);
        PartyModel hospital = model(random, clinical, true);
        List<double[][]> labData = new ArrayList<>();
        List<PartyModel> labModels = new ArrayList<>();
        Set<String> labNames = new LinkedHashSet<>();
        for (int k = 0; k < labs; k++) {
            double[][] genotypes = EpochBenchmark.dosages(random, patients, genomicFeatures);
            labData.add(genotypes);
            labModels.add(model(random, genotypes, false));
            labNames.add("lab " + k);
        }
        UUID runId = UUID.randomUUID();

        double[] own = step("requester: own partial scores", () -> hospital.partialScores(clinical), -1);
        ScoreRequester requester = step("requester: fresh key pair", () -> new ScoreRequester(runId, "hospital", own), -1);
        ScoringKeys keys = requester.keys();
        rows.set(rows.size() - 1, rows.get(rows.size() - 1).replace("\"bytes\": -1",
                "\"bytes\": " + (keys.parameters().length + keys.publicKey().length)));
        List<EncryptedPartialScores> partials = new ArrayList<>();
        double[] othersPlain = new double[patients];
        int k = 0;
        for (String lab : labNames) {
            double[][] x = labData.get(k);
            PartyModel model = labModels.get(k++);
            double[] part = step(lab + ": partial scores", () -> model.partialScores(x), -1);
            for (int r = 0; r < patients; r++) {
                othersPlain[r] += part[r];
            }
            EncryptedPartialScores partial = step(lab + ": encrypt", () -> new ScoreContributor(runId, lab, part)
                    .contribute(keys), -1);
            rows.set(rows.size() - 1, rows.get(rows.size() - 1).replace("\"bytes\": -1", "\"bytes\": " + bytes(partial.ciphertexts())));
            partials.add(partial);
        }
        EncryptedScoreSum sum;
        try (ScoreAggregator coordinator = new ScoreAggregator(keys, labNames)) {
            sum = step("coordinator: load and add", () -> {
                partials.forEach(coordinator::add);
                return coordinator.sum();
            }, partials.stream().mapToLong(p -> bytes(p.ciphertexts())).sum());
        }
        double[] scores = step("requester: decrypt, add own part, sigmoid",
                () -> requester.scores(sum, List.copyOf(labNames)), bytes(sum.ciphertexts()));
        double maxDifference = 0;
        for (int r = 0; r < patients; r++) {
            maxDifference = Math.max(maxDifference, Math.abs(scores[r] - SigmoidPolynomial.sigmoid(own[r] + othersPlain[r])));
        }
        long peakKb = EpochBenchmark.peakResidentKb();
        String json = String.format(Locale.ROOT, "{\n  \"benchmark\": \"vfl-inference\",\n  \"patients\": %d,\n"
                + "  \"hospitalFeatures\": %d,\n  \"labFeatures\": %d,\n  \"labs\": %d,\n  \"cores\": %d,\n"
                + "  \"maxAbsDifferenceFromPlaintext\": %.3e,\n  \"peakResidentMegabytesAllRoles\": %d,\n"
                + "  \"steps\": [\n    %s\n  ]\n}\n", patients, clinicalFeatures, genomicFeatures, labs,
                Runtime.getRuntime().availableProcessors(), maxDifference, peakKb / 1024, String.join(",\n    ", rows));
        Files.createDirectories(out);
        Path file = out.resolve("vfl-inference-" + patients + "x" + (clinicalFeatures + labs * genomicFeatures) + ".json");
        Files.writeString(file, json);
        System.out.printf(Locale.ROOT, "max |encrypted - plaintext| = %.3e; peak resident memory %d MB%n", maxDifference,
                peakKb / 1024);
        System.out.println("written " + file);
    }

    private static <T> T step(String name, Supplier<T> work, long bytes) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        T result = work.get();
        double wall = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
        String row = String.format(Locale.ROOT, "{\"step\": \"%s\", \"wallSeconds\": %.3f, \"cpuSeconds\": %.3f, "
                + "\"bytes\": %d}", name, wall, cpuSeconds, bytes);
        System.out.println(row);
        rows.add(row);
        return result;
    }

    private static long bytes(List<byte[]> ciphertexts) {
        return ciphertexts.stream().mapToLong(c -> c.length).sum();
    }

    private static PartyModel model(SplittableRandom random, double[][] x, boolean intercept) {
        int columns = x[0].length;
        double[] w = new double[columns + (intercept ? 1 : 0)];
        for (int c = 0; c < w.length; c++) {
            w[c] = (random.nextDouble() - 0.5) / Math.sqrt(columns);
        }
        int[] training = java.util.stream.IntStream.range(0, x.length).filter(r -> r % 5 != 0).toArray();
        return new PartyModel(Standardizer.fit(x, training), w, intercept);
    }
}
