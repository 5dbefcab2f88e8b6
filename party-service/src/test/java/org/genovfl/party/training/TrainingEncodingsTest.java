package org.genovfl.party.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void shouldHashTheCoefficientFileThatRoundTrips() {
        double[] coefficients = {0.5, -1.25, Double.MIN_VALUE};
        byte[] file = TrainingStore.coefficientFile(coefficients);
        assertThat(TrainingStore.readCoefficientFile(file)).containsExactly(coefficients);
        assertThat(TrainingStore.sha256(file)).hasSize(64).isEqualTo(TrainingStore.sha256(file.clone()));
    }

    @Test
    void shouldFillHyperParametersLeftOutFromTheDefaults() {
        var request = new TrainingController.StartTrainingRun(UUID.randomUUID(), UUID.randomUUID(), 9L, null, 128,
                null, 0.1, null, null, 1.0, null, null, null, null);
        TrainingConfig defaults = TrainingConfig.defaults(9);
        TrainingConfig config = request.config();
        assertThat(config.seed()).isEqualTo(9);
        assertThat(config.batchSize()).isEqualTo(128);
        assertThat(config.learningRate()).isEqualTo(0.1);
        assertThat(config.l2()).isEqualTo(1.0);
        assertThat(config.maxEpochs()).isEqualTo(defaults.maxEpochs());
        assertThat(config.momentum()).isEqualTo(defaults.momentum());
        assertThat(config.stoppingMetric()).isEqualTo(defaults.stoppingMetric());
    }

    @Test
    void shouldRefuseInvalidHyperParametersAsABadRequest() {
        var request = new TrainingController.StartTrainingRun(UUID.randomUUID(), UUID.randomUUID(), null, 0.95, null,
                null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(request::config).isInstanceOf(IllegalArgumentException.class);
    }
}
