package org.genovfl.vfl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression.Link;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trains on the 569 real patients of breast_cancer.csv split vertically (15 features at the
 * hospital with the label, 15 at the lab) under CKKS, and compares with the centralised
 * plaintext model trained with the same hyper-parameters, split and seed.
 */
class BreastCancerTrainingIT {

    static ResearchData.Table data;
    static TrainingConfig config = ResearchData.breastCancerConfig(20261122L);
    static LocalTrainingRun.Result vertical;

    @BeforeAll
    static void train() {
        data = ResearchData.breastCancer();
        vertical = LocalTrainingRun.train(data.columns(0, 15), data.labels(), List.<double[][]>of(data.columns(15, 30)), config,
                epoch -> System.out.printf("epoch %2d  validation AUC %.4f  log-loss %.4f  accuracy %.3f%n",
                        epoch.epoch(), epoch.validation().auc(), epoch.validation().logLoss(),
                        epoch.validation().accuracy()));
    }

    @Test
    void validationAucWithinHalfAPointOfTheCentralisedModel() {
        var centralised = CentralizedLogisticRegression.train(data.features(), data.labels(), config, Link.EXACT);
        double verticalAuc = vertical.finalReport().auc().value();
        double centralAuc = centralised.finalReport().auc().value();
        System.out.printf("vertical AUC %.4f (95%% CI %.4f-%.4f), centralised AUC %.4f%n", verticalAuc,
                vertical.finalReport().auc().lower(), vertical.finalReport().auc().upper(), centralAuc);
        assertThat(centralAuc).isGreaterThan(0.95);
        assertThat(Math.abs(verticalAuc - centralAuc)).isLessThanOrEqualTo(0.005);
    }

    @Test
    void encryptedArithmeticMatchesTheSameModelComputedInTheClear() {
        // Same cubic link in the clear: any difference is CKKS noise, masking and flooding.
        var cubic = CentralizedLogisticRegression.train(data.features(), data.labels(), config, Link.CUBIC);
        double[] central = cubic.weights();
        double[] hospital = vertical.hospitalWeights();
        double[] lab = vertical.labWeights().get(0);
        assertThat(vertical.bestEpoch()).isEqualTo(cubic.bestEpoch());
        for (int c = 0; c < 15; c++) {
            assertThat(hospital[c]).as("hospital coefficient %d", c).isCloseTo(central[c], org.assertj.core.data.Offset.offset(1e-3));
            assertThat(lab[c]).as("lab coefficient %d", c).isCloseTo(central[15 + c], org.assertj.core.data.Offset.offset(1e-3));
        }
        assertThat(hospital[15]).as("intercept").isCloseTo(central[30], org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void releasedModelIsMeasuredOnceOnTestRowsAsTheSameModelInTheClearScoresThem() {
        // Test metrics under encryption (each party scoring with the share it released)
        // against the clear-text copy's released weights on the same test rows.
        var cubic = CentralizedLogisticRegression.train(data.features(), data.labels(), config, Link.CUBIC);
        assertThat(vertical.failure()).isNull();
        assertThat(vertical.releasedEpoch()).isEqualTo(vertical.bestEpoch());
        assertThat(vertical.test()).isNotNull();
        assertThat(vertical.test().patients()).isEqualTo(CohortSplit.of(data.labels().length, config).test().length);
        assertThat(vertical.test().auc()).isCloseTo(cubic.testReport().auc().value(),
                org.assertj.core.data.Offset.offset(1e-3));
        assertThat(vertical.test().logLoss()).isCloseTo(cubic.testReport().logLoss(),
                org.assertj.core.data.Offset.offset(1e-3));
        assertThat(vertical.test().aucLower()).isLessThan(vertical.test().auc());
        assertThat(vertical.test().calibration()).hasSize(10);
        assertThat(vertical.test().clinicalOnlyAuc()).isBetween(0.5, 1.0);
        System.out.printf("released epoch %d: validation AUC %.4f, test AUC %.4f (95%% CI %.4f-%.4f), calibration "
                + "slope %.3f%n", vertical.releasedEpoch(), vertical.finalReport().auc().value(), vertical.test().auc(),
                vertical.test().aucLower(), vertical.test().aucUpper(), vertical.test().calibrationSlope());
    }
}
