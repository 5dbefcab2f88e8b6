package org.genovfl.vfl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.genovfl.vfl.LocalTrainingRun;
import org.genovfl.vfl.TrainingConfig;

/**
 * Benchmark (not a test): one encrypted full-batch epoch of vertical logistic regression
 * at the shape, 100,000 aligned patients × (30 hospital + 300 lab) features, with
 * all three roles in this process. Reports wall time per epoch, bytes of ciphertext
 * exchanged per epoch and the process's peak resident memory.
 *
 * <p>{@code bench/vfl/run.sh [patients] [hospitalFeatures] [labFeatures] [epochs]}
 */
public final class EpochBenchmark {

    public static void main(String[] args) throws IOException {
        int patients = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int clinicalFeatures = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int genomicFeatures = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path out = Path.of(args.length > 4 ? args[4] : "bench/results");

        SplittableRandom random = new SplittableRandom(1);
        double[][] clinical = gaussian(random, patients, clinicalFeatures);
        double[][] genotypes = dosages(random, patients, genomicFeatures);
        double[] labels = new double[patients];
        for (int i = 0; i < patients; i++) {
            double logit = 0.8 * clinical[i][0] - 0.5 * clinical[i][1] + 0.7 * (genotypes[i][0] - 1) - 0.6 * (genotypes[i][1] - 1);
            labels[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        }
        TrainingConfig config = TrainingConfig.defaults(5L).withMaxEpochs(epochs).withBatchSize(0);
        // The first epoch's time includes key generation and loading; later epochs are the steady state.
        long[] epochStart = {System.nanoTime()};
        StringBuilder rows = new StringBuilder();
        LocalTrainingRun.train(clinical, labels, List.<double[][]>of(genotypes), config, epoch -> {
            double seconds = (System.nanoTime() - epochStart[0]) / 1e9;
            String row = String.format(Locale.ROOT, "{\"epoch\": %d, \"wallSeconds\": %.2f, \"bytesExchanged\": %d, "
                    + "\"validationAuc\": %.4f}", epoch.epoch(), seconds, epoch.messageBytes(), epoch.validation().auc());
            System.out.println(row);
            rows.append(rows.length() == 0 ? "" : ",\n    ").append(row);
            epochStart[0] = System.nanoTime();
        });
        long peakKb = peakResidentKb();
        String json = String.format(Locale.ROOT, "{\n  \"benchmark\": \"vfl-epoch\",\n  \"patients\": %d,\n"
                + "  \"hospitalFeatures\": %d,\n  \"labFeatures\": %d,\n  \"cores\": %d,\n"
                + "  \"peakResidentMegabytesAllRoles\": %d,\n  \"epochs\": [\n    %s\n  ]\n}\n",
                patients, clinicalFeatures, genomicFeatures, Runtime.getRuntime().availableProcessors(), peakKb / 1024, rows);
        Files.createDirectories(out);
        Path file = out.resolve("vfl-epoch-" + patients + "x" + (clinicalFeatures + genomicFeatures) + ".json");
        Files.writeString(file, json);
        System.out.println("peak resident memory of the process (all three roles): " + peakKb / 1024 + " MB");
        System.out.println("written " + file);
    }

    static double[][] gaussian(SplittableRandom random, int rows, int columns) {
        double[][] x = new double[rows][columns];
        for (double[] row : x) {
            for (int c = 0; c < columns; c++) {
                double u = random.nextDouble(), v = random.nextDouble();
                row[c] = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
            }
        }
        return x;
    }

    static double[][] dosages(SplittableRandom random, int rows, int columns) {
        double[][] x = new double[rows][columns];
        for (int c = 0; c < columns; c++) {
            double p = 0.05 + 0.45 * random.nextDouble();
            for (double[] row : x) {
                row[c] = (random.nextDouble() < p ? 1 : 0) + (random.nextDouble() < p ? 1 : 0);
            }
        }
        return x;
    }

    static long peakResidentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
