package org.genovfl.vfl;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The split of an aligned cohort into training and validation rows, and the batches of
 * each epoch. Every party derives the same split from the shared seed and the cohort size
 * alone (SplittableRandom's SplitMix64 is specified, so the result is the same on every
 * JVM), without exchanging a message.
 */
public final class CohortSplit {

    private final int[] training;
    private final int[] validation;
    private final long seed;
    private final int batchSize;

    private CohortSplit(int[] training, int[] validation, long seed, int batchSize) {
        this.training = training;
        this.validation = validation;
        this.seed = seed;
        this.batchSize = batchSize;
    }

    /**
     * @param cohortSize rows of the aligned cohort (row i is the same patient at every party)
     * @throws IllegalArgumentException if either split would be empty
     */
    public static CohortSplit of(int cohortSize, TrainingConfig config) {
        int validationSize = (int) Math.round(cohortSize * config.validationFraction());
        if (validationSize < 1 || validationSize >= cohortSize) {
            throw new IllegalArgumentException("cohort of " + cohortSize + " is too small to split with fraction "
                    + config.validationFraction());
        }
        int[] rows = shuffled(identity(cohortSize), new SplittableRandom(config.seed()));
        int[] validation = Arrays.copyOfRange(rows, 0, validationSize);
        int[] training = Arrays.copyOfRange(rows, validationSize, cohortSize);
        Arrays.sort(validation);
        Arrays.sort(training);
        return new CohortSplit(training, validation, config.seed(), config.batchSize());
    }

    public int[] training() {
        return training.clone();
    }

    public int[] validation() {
        return validation.clone();
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
