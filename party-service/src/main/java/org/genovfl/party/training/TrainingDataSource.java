package org.genovfl.party.training;

import java.util.Objects;
import java.util.UUID;

/**
 * Where a data holder finds its own columns of a run's aligned cohort. Row i of the answer
 * is row i of the PSI run's aligned cohort, so every party's rows describe the same
 * patients in the same order without exchanging a message.
 */
public interface TrainingDataSource {

    /**
     * A party's feature matrix for one run.
     *
     * @param features one row per aligned patient, one column per feature of this party in
     *     the project's order; {@link Double#NaN} for a missing value
     * @param labels 0/1 outcome per aligned patient at the hospital, {@code null} at a lab
     */
    record TrainingData(double[][] features, double[] labels) {
        public TrainingData {
            Objects.requireNonNull(features, "features");
            if (labels != null && labels.length != features.length) {
                throw new IllegalArgumentException("labels and features differ in rows");
            }
        }

        public int rows() {
            return features.length;
        }
    }

    /**
     * This party's columns (and, with {@code withLabels}, the label) of the aligned cohort of
     * {@code psiRunId}, as {@code projectId}'s feature specification defines them.
     *
     * @throws IllegalArgumentException if the PSI run is not a completed run of the project
     *     here, or the project defines no feature for this party, or (with labels) no label
     */
    TrainingData load(UUID projectId, UUID psiRunId, boolean withLabels);
}
