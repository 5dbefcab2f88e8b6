package org.genovfl.vfl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.genovfl.vfl.LocalTrainingRun.Interruption;
import org.junit.jupiter.api.Test;

/**
 * What the coordinator sees is independent of the gradients it helps compute, and a party
 * that crashes and restarts from its checkpoint ends with the model of an uninterrupted run.
 */
class TrainingPrivacyAndRecoveryIT {

    static final ResearchData.Table DATA = ResearchData.breastCancer();
    static final TrainingConfig CONFIG = ResearchData.breastCancerConfig(99L).withMaxEpochs(6).withBatchSize(128);

    @Test
    void coordinatorsDecryptionsAreUncorrelatedWithTheTrueGradients() {
        List<Double> seen = new ArrayList<>();
        List<Double> truth = new ArrayList<>();
        LocalTrainingRun.train(DATA.columns(0, 15), DATA.labels(), List.<double[][]>of(DATA.columns(15, 30)), CONFIG,
                epoch -> { }, null, (sender, round, values, gradient) -> {
                    for (int j = 0; j < gradient.length; j++) {
                        seen.add(values.get(j / 16)[j % 16]);
                        truth.add(gradient[j]);
                    }
                });
        double[] s = seen.stream().mapToDouble(Double::doubleValue).toArray();
        double[] t = truth.stream().mapToDouble(Double::doubleValue).toArray();
        double r = new PearsonsCorrelation().correlation(s, t);
        System.out.printf("%d decrypted slots; correlation with the true gradient %.4f%n", s.length, r);
        assertThat(s.length).isGreaterThan(500);
        // Under independence r is about N(0, 1/sqrt(n)); 4 standard deviations.
        assertThat(Math.abs(r)).isLessThan(4 / Math.sqrt(s.length));
        // And what the coordinator sees is mask-sized, not gradient-sized.
        double meanAbs = java.util.Arrays.stream(s).map(Math::abs).average().orElseThrow();
        assertThat(meanAbs).isGreaterThan(1000);
    }

    @Test
    void labAndHospitalRestartedFromCheckpointsEndWithTheSameModel() {
        LocalTrainingRun.Result uninterrupted = train(null);
        // Both crashes must fall inside the run for the test to mean anything.
        assertThat(uninterrupted.epochs()).hasSize(CONFIG.maxEpochs());
        for (Interruption crash : List.of(new Interruption("lab-0", 7), new Interruption("hospital", 13))) {
            LocalTrainingRun.Result resumed = train(crash);
            assertThat(resumed.bestEpoch()).as(crash.toString()).isEqualTo(uninterrupted.bestEpoch());
            // Equal up to CKKS noise and the coordinator's flooding noise, which differ between any two runs.
            assertThat(resumed.labWeights().get(0)).as(crash.toString())
                    .containsExactly(uninterrupted.labWeights().get(0), within(1e-4));
            assertThat(resumed.hospitalWeights()).as(crash.toString())
                    .containsExactly(uninterrupted.hospitalWeights(), within(1e-4));
        }
    }

    private static LocalTrainingRun.Result train(Interruption crash) {
        return LocalTrainingRun.train(DATA.columns(0, 15), DATA.labels(), List.<double[][]>of(DATA.columns(15, 30)),
                CONFIG, epoch -> { }, crash, (sender, round, values, gradient) -> { });
    }
}
