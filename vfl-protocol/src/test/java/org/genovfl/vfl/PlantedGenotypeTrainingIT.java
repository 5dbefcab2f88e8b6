package org.genovfl.vfl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression.Link;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real genotypes with a planted phenotype: the lab's encrypted-trained coefficients must put
 * the planted variants on top, and the AUC must match the centralised model's.
 */
class PlantedGenotypeTrainingIT {

    static final int VARIANTS = 100;
    static PlantedGenotypeCohort cohort;
    static TrainingConfig config;
    static LocalTrainingRun.Result vertical;

    @BeforeAll
    static void train() {
        cohort = PlantedGenotypeCohort.load(VARIANTS, 7L);
        config = new TrainingConfig(11L, 0.2, 0, 40, 0.3, 0.02, 0.9, 0.02, 6, 1e-4, 8.0, TrainingConfig.StoppingMetric.AUC);
        vertical = LocalTrainingRun.train(cohort.clinical, cohort.outcome, List.<double[][]>of(cohort.genotypes), config,
                epoch -> System.out.printf("epoch %2d  validation AUC %.4f  log-loss %.4f%n", epoch.epoch(),
                        epoch.validation().auc(), epoch.validation().logLoss()));
    }

    @Test
    void plantedVariantsRankOnTopOfTheLabsCoefficients() {
        double[] lab = vertical.labWeights().get(0);
        int[] ranked = IntStream.range(0, lab.length).boxed()
                .sorted(Comparator.comparingDouble(c -> -Math.abs(lab[c])))
                .mapToInt(Integer::intValue).toArray();
        int[] top = Arrays.copyOf(ranked, cohort.causalColumns.length);
        Arrays.sort(top);
        System.out.println("top lab coefficients: " + Arrays.toString(top) + ", planted: "
                + Arrays.toString(cohort.causalColumns));
        assertThat(top).containsExactly(cohort.causalColumns);
    }

    @Test
    void aucWithinOnePointOfTheCentralisedModel() {
        var centralised = CentralizedLogisticRegression.train(cohort.allFeatures(), cohort.outcome, config, Link.EXACT);
        double verticalAuc = vertical.finalReport().auc().value();
        System.out.printf("vertical AUC %.4f, centralised AUC %.4f%n", verticalAuc, centralised.finalReport().auc().value());
        assertThat(Math.abs(verticalAuc - centralised.finalReport().auc().value())).isLessThanOrEqualTo(0.01);
    }
}
