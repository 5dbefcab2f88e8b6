package org.genovfl.party.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.protocol.Messages.KeySetup;
import org.junit.jupiter.api.Test;

class TrainingEncodingsTest {

    @Test
    void shouldStoreAndReloadTheKeySetupByteForByte() {
        KeySetup setup = new KeySetup(UUID.randomUUID(), new byte[] {1, 2}, new byte[] {3}, new byte[0],
                new byte[] {4, 5, 6}, 16);
        KeySetup reloaded = TrainingStore.decodeKeySetup(TrainingStore.encodeKeySetup(setup));
        assertThat(reloaded.runId()).isEqualTo(setup.runId());
        assertThat(reloaded.featuresPerBlock()).isEqualTo(16);
        assertThat(reloaded.parameters()).containsExactly(1, 2);
        assertThat(reloaded.publicKey()).containsExactly(3);
        assertThat(reloaded.relinKeys()).isEmpty();
        assertThat(reloaded.galoisKeys()).containsExactly(4, 5, 6);
    }

    @Test
    void shouldRefuseATruncatedKeySetup() {
        byte[] encoded = TrainingStore.encodeKeySetup(new KeySetup(UUID.randomUUID(), new byte[] {1}, new byte[] {2},
                new byte[] {3}, new byte[] {4}, 16));
        assertThatThrownBy(() -> TrainingStore.decodeKeySetup(java.util.Arrays.copyOf(encoded, 10)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldHashTheCoefficientFileThatRoundTripsWithItsColumnNames() {
        double[] coefficients = {0.5, -1.25, Double.MIN_VALUE};
        List<String> names = List.of("rs6040355 20:1000123 A>G CYP2C19", "http://loinc.org|2339-0 LATEST", "(intercept)");
        byte[] file = TrainingStore.coefficientFile(coefficients, names);
        assertThat(TrainingStore.readCoefficientFile(file)).containsExactly(coefficients);
        assertThat(TrainingStore.readCoefficientNames(file)).containsExactlyElementsOf(names);
        assertThatThrownBy(() -> TrainingStore.coefficientFile(coefficients, names.subList(0, 2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TrainingStore.sha256(file)).hasSize(64).isEqualTo(TrainingStore.sha256(file.clone()));
    }

    @Test
    void shouldFillHyperParametersLeftOutFromTheDefaults() {
        var request = new TrainingController.StartTrainingRun(UUID.randomUUID(), UUID.randomUUID(), 9L, null, null,
                128, null, 0.1, null, null, 1.0, null, null, null, null, null);
        TrainingConfig defaults = TrainingConfig.defaults(9);
        TrainingConfig config = request.config();
        assertThat(config.seed()).isEqualTo(9);
        assertThat(config.batchSize()).isEqualTo(128);
        assertThat(config.learningRate()).isEqualTo(0.1);
        assertThat(config.l2()).isEqualTo(1.0);
        assertThat(config.maxEpochs()).isEqualTo(defaults.maxEpochs());
        assertThat(config.momentum()).isEqualTo(defaults.momentum());
        assertThat(config.stoppingMetric()).isEqualTo(defaults.stoppingMetric());
        assertThat(config.testFraction()).isEqualTo(0.2);
        assertThat(config.releasePolicy()).isEqualTo(TrainingConfig.ReleasePolicy.BEST_VALIDATION);
        // Left out, the learning rate is derived from the data before the run starts.
        var derived = new TrainingController.StartTrainingRun(UUID.randomUUID(), UUID.randomUUID(), null, null, null,
                null, null, null, null, null, null, null, null, null, null, null);
        assertThat(derived.config().hasLearningRate()).isFalse();
    }

    @Test
    void shouldRefuseInvalidHyperParametersAsABadRequest() {
        var request = new TrainingController.StartTrainingRun(UUID.randomUUID(), UUID.randomUUID(), null, 0.95, null,
                null, null, null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(request::config).isInstanceOfSatisfying(TrainingConfig.InvalidParameterException.class,
                e -> assertThat(e.field()).isEqualTo("validationFraction"));
    }
}
