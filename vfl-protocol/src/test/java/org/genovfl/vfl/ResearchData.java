package org.genovfl.vfl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The real data sets the tests train on, fetched by {@code data/fetch.sh} (which
 * {@code ./genovfl test} runs first) into {@code genovfl.data.dir}.
 */
final class ResearchData {

    /** The 569 patients of the Wisconsin diagnostic breast cancer set: 30 features, 1 = benign. */
    record Table(double[][] features, double[] labels) {
        double[][] columns(int from, int to) {
            return Arrays.stream(features).map(row -> Arrays.copyOfRange(row, from, to)).toArray(double[][]::new);
        }
    }

    private ResearchData() {
    }

    /**
     * Hyper-parameters for breast_cancer.csv. The classes are almost separable, so without a
     * strong L2 penalty the scores grow past the cubic's interval [-8, 8] within a few
     * epochs; λ = 1 keeps them inside while costing the exact model under 0.006 AUC.
     */
    static TrainingConfig breastCancerConfig(long seed) {
        return new TrainingConfig(seed, 0.2, 0, 40, 0.1, 0.02, 0.9, 1.0, 8, 1e-4, 8.0, TrainingConfig.StoppingMetric.AUC);
    }

    static Path dataDirectory() {
        String configured = System.getProperty("genovfl.data.dir");
        Path dir = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "genovfl", "data");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("research data not found in " + dir + ": run data/fetch.sh (./genovfl test does)");
        }
        return dir;
    }

    /** sklearn's breast_cancer.csv: a header line "569,30,malignant,benign", then 30 features and the target. */
    static Table breastCancer() {
        Path file = dataDirectory().resolve("breast_cancer.csv");
        try {
            List<String> lines = Files.readAllLines(file);
            int rows = Integer.parseInt(lines.get(0).split(",")[0].trim());
            double[][] x = new double[rows][];
            double[] y = new double[rows];
            for (int r = 0; r < rows; r++) {
                String[] cells = lines.get(r + 1).split(",");
                x[r] = Arrays.stream(cells, 0, cells.length - 1).mapToDouble(Double::parseDouble).toArray();
                y[r] = Double.parseDouble(cells[cells.length - 1]);
            }
            return new Table(x, y);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
