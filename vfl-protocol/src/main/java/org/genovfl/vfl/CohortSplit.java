package org.genovfl.vfl;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The split of an aligned cohort into training, validation and test rows, and the batches
 * of each epoch. Validation rows decide early stopping and the released epoch; test rows
 * are used once, to measure the released model. Every party derives the same split from the shared seed and the cohort size
 * alone (SplittableRandom's SplitMix64 is specified, so the result is the same on every
 * JVM), without exchanging a message.
 */
public final class CohortSplit {

    private final int[] training;
    private final int[] validation;
    private final int[] test;
    private final long seed;
    private final int batchSize;

    private CohortSplit(int[] training, int[] validation, int[] test, long seed, int batchSize) {
        this.training = training;
        this.validation = validation;
        this.test = test;
        this.seed = seed;
        this.batchSize = batchSize;
    }

    /**
     * @param cohortSize rows of the aligned cohort (row i is the same patient at every party)
     * @throws IllegalArgumentException if the training or validation rows would be empty, or
     *     the test rows although the configuration asks for some
     */
    public static CohortSplit of(int cohortSize, TrainingConfig config) {
        int validationSize = (int) Math.round(cohortSize * config.validationFraction());
        int testSize = (int) Math.round(cohortSize * config.testFraction());
        if (validationSize < 1 || (config.testFraction() > 0 && testSize < 1)
                || validationSize + testSize >= cohortSize) {
            throw new IllegalArgumentException("cohort of " + cohortSize + " is too small to split with validation "
                    + "fraction " + config.validationFraction() + " and test fraction " + config.testFraction());
        }
        // Validation rows come first in the shuffled order, as they did before test rows
        // existed, so a seed keeps its validation rows; test rows follow.
        int[] rows = shuffled(identity(cohortSize), new SplittableRandom(config.seed()));
        int[] validation = Arrays.copyOfRange(rows, 0, validationSize);
        int[] test = Arrays.copyOfRange(rows, validationSize, validationSize + testSize);
        int[] training = Arrays.copyOfRange(rows, validationSize + testSize, cohortSize);
        Arrays.sort(validation);
        Arrays.sort(test);
        Arrays.sort(training);
        return new CohortSplit(training, validation, test, config.seed(), config.batchSize());
    }

    public int[] training() {
        return training.clone();
    }

    public int[] validation() {
        return validation.clone();
    }

    /** Rows held out to measure the released model once; empty when the configuration asks for none. */
    public int[] test() {
        return test.clone();
    }

    /** Number of batches in each epoch. */
    public int batchesPerEpoch() {
        return batchSize == 0 ? 1 : (training.length + batchSize - 1) / batchSize;
    }

    /** Rows of batch {@code batch} in epoch {@code epoch}: the training rows reshuffled per epoch. */
    public int[] batch(int epoch, int batch) {
        if (batch < 0 || batch >= batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + batch + " out of 0.." + (batchesPerEpoch() - 1));
        }
        if (batchSize == 0) {
            return training.clone();
        }
        int[] order = shuffled(training.clone(), new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))));
        int from = batch * batchSize;
        int[] rows = Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
        Arrays.sort(rows);
        return rows;
    }

    private static int[] identity(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

    private static int[] shuffled(int[] rows, SplittableRandom random) {
        for (int i = rows.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        return rows;
    }
}
