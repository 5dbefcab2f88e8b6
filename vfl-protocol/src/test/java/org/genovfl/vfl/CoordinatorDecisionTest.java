package org.genovfl.vfl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.UUID;
import org.genovfl.vfl.protocol.Coordinator;
import org.genovfl.vfl.protocol.Messages.EpochDecision;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.Messages.ValidationReport;
import org.genovfl.vfl.protocol.RoundId;
import org.genovfl.vfl.protocol.TrainingException;
import org.junit.jupiter.api.Test;

/** The coordinator's epoch decisions: divergence fails a run, the release policy names the released epoch. */
class CoordinatorDecisionTest {

    private static final UUID RUN = UUID.randomUUID();

    @Test
    void shouldFailARunWhoseScoresLeaveTheCubicsIntervalAndReleaseNothing() {
        try (Coordinator coordinator = coordinator(TrainingConfig.defaults(1).withLearningRate(0.5))) {
            assertThat(decide(coordinator, 0, 0.60, 0.68, 0.0).stop()).isFalse();
            EpochDecision diverged = decide(coordinator, 1, 0.62, 0.66, 0.37);
            assertThat(diverged.stop()).isTrue();
            assertThat(diverged.failed()).isTrue();
            assertThat(diverged.reason()).startsWith("diverged: 37% of validation scores left");
            assertThat(coordinator.releasedEpoch()).isEqualTo(EpochDecision.NOT_RELEASED);
            // Nothing released: the test rows are never decrypted.
            assertThatThrownBy(() -> coordinator.decryptTest(new MaskedScores(RoundId.test(RUN, 0), java.util.List.of())))
                    .isInstanceOf(TrainingException.class);
        }
    }

    @Test
    void shouldFailOnNonFiniteMetricsAndOnALossBlowUp() {
        try (Coordinator coordinator = coordinator(TrainingConfig.defaults(1).withLearningRate(0.5))) {
            assertThat(decide(coordinator, 0, Double.NaN, Double.NaN, 0).reason()).contains("not finite");
        }
        try (Coordinator coordinator = coordinator(TrainingConfig.defaults(1).withLearningRate(0.5))) {
            EpochDecision blowUp = decide(coordinator, 0, 0.55, 4.2, 0.01);
            assertThat(blowUp.failed()).isTrue();
            assertThat(blowUp.reason()).contains("log-loss 4.200 exceeds");
        }
    }

    @Test
    void shouldReleaseTheBestValidationEpochOrTheLastOneByPolicy() {
        TrainingConfig config = TrainingConfig.defaults(1).withLearningRate(0.5).withMaxEpochs(3);
        try (Coordinator best = coordinator(config)) {
            decide(best, 0, 0.70, 0.60, 0);
            decide(best, 1, 0.65, 0.62, 0);
            EpochDecision last = decide(best, 2, 0.66, 0.61, 0);
            assertThat(last.stop()).isTrue();
            assertThat(last.failed()).isFalse();
            assertThat(last.releasedEpoch()).isZero();
            assertThat(last.reason()).contains("reached 3 epochs", "released epoch 0, the best by validation AUC");
        }
        try (Coordinator lastPolicy = coordinator(config.withReleasePolicy(TrainingConfig.ReleasePolicy.LAST_EPOCH))) {
            decide(lastPolicy, 0, 0.70, 0.60, 0);
            decide(lastPolicy, 1, 0.65, 0.62, 0);
            EpochDecision last = decide(lastPolicy, 2, 0.66, 0.61, 0);
            assertThat(last.bestEpoch()).isZero();
            assertThat(last.releasedEpoch()).isEqualTo(2);
            assertThat(last.reason()).contains("released the last epoch (2) by the LAST_EPOCH policy");
        }
    }

    private static Coordinator coordinator(TrainingConfig config) {
        return new Coordinator(RUN, config, "hospital", Set.of("hospital", "lab"), 16);
    }

    private static EpochDecision decide(Coordinator coordinator, int epoch, double auc, double logLoss, double outside) {
        RoundId round = RoundId.validation(RUN, epoch);
        coordinator.beginRound(round);
        return coordinator.decide(new ValidationReport(round, auc, logLoss, 0.5, outside));
    }
}
