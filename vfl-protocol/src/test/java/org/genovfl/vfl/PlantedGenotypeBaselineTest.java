package org.genovfl.vfl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression.Link;
import org.junit.jupiter.api.Test;

/** The planted-phenotype cohort is recoverable in the clear: the design of the encrypted test is sound. */
class PlantedGenotypeBaselineTest {

    @Test
    void centralisedModelFindsThePlantedVariants() {
        PlantedGenotypeCohort cohort = PlantedGenotypeCohort.load(PlantedGenotypeTrainingIT.VARIANTS, 7L);
        assertThat(cohort.genotypes.length).isEqualTo(503);
        TrainingConfig config = new TrainingConfig(11L, 0.2, 0, 40, 0.3, 0.02, 0.9, 0.02, 6, 1e-4, 8.0, TrainingConfig.StoppingMetric.AUC);
        for (Link link : Link.values()) {
            var result = CentralizedLogisticRegression.train(cohort.allFeatures(), cohort.outcome, config, link);
            double[] w = result.weights();
            int[] top = IntStream.range(2, 2 + PlantedGenotypeTrainingIT.VARIANTS).boxed()
                    .sorted(Comparator.comparingDouble(c -> -Math.abs(w[c])))
                    .limit(3).mapToInt(c -> c - 2).sorted().toArray();
            System.out.printf("%s: AUC %.4f best epoch %d top %s%n", link, result.finalReport().auc().value(),
                    result.bestEpoch(), Arrays.toString(top));
            assertThat(top).containsExactly(cohort.causalColumns);
        }
    }
}
