package org.genovfl.vfl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression.Link;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * More than one lab: the 30 features of breast_cancer.csv split three ways (10 at the
 * hospital with the label, 10 at each of two labs). Each lab's gradient is masked and
 * decrypted on its own, and the residual reaches both labs encrypted; the model must be
 * the one the centralised plaintext regression learns.
 */
class TwoLabTrainingIT {

    static ResearchData.Table data;
    static TrainingConfig config = ResearchData.breastCancerConfig(20261123L);
    static LocalTrainingRun.Result vertical;

    @BeforeAll
    static void train() {
        data = ResearchData.breastCancer();
        vertical = LocalTrainingRun.train(data.columns(0, 10), data.labels(),
                List.of(data.columns(10, 20), data.columns(20, 30)), config, epoch -> { });
    }

    @Test
    void eachPartyHoldsItsSliceOfTheCentralisedModel() {
        var cubic = CentralizedLogisticRegression.train(data.features(), data.labels(), config, Link.CUBIC);
        double[] central = cubic.weights();
        assertThat(vertical.bestEpoch()).isEqualTo(cubic.bestEpoch());
        assertThat(vertical.labWeights()).hasSize(2);
        double[] hospital = vertical.hospitalWeights();
        assertThat(hospital).hasSize(11);
        for (int c = 0; c < 10; c++) {
            assertThat(hospital[c]).as("hospital coefficient %d", c).isCloseTo(central[c], within(1e-3));
            assertThat(vertical.labWeights().get(0)[c]).as("lab 0 coefficient %d", c)
                    .isCloseTo(central[10 + c], within(1e-3));
            assertThat(vertical.labWeights().get(1)[c]).as("lab 1 coefficient %d", c)
                    .isCloseTo(central[20 + c], within(1e-3));
        }
        assertThat(hospital[10]).as("intercept").isCloseTo(central[30], within(1e-3));
    }

    @Test
    void validationAucWithinHalfAPointOfTheCentralisedModel() {
        var centralised = CentralizedLogisticRegression.train(data.features(), data.labels(), config, Link.EXACT);
        assertThat(centralised.finalReport().auc().value()).isGreaterThan(0.95);
        assertThat(vertical.finalReport().auc().value())
                .isCloseTo(centralised.finalReport().auc().value(), within(0.005));
    }
}
