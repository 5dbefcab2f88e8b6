package org.genovfl.vfl.protocol;

import java.util.List;
import org.genovfl.he.Ciphertext;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.he.EncryptedAlgebra;
import org.genovfl.vfl.protocol.Messages.EncryptedResiduals;
import org.genovfl.vfl.protocol.Messages.EncryptedScores;
import org.genovfl.vfl.protocol.Messages.KeySetup;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;

/**
 * A lab's role: it holds genotype features only. Per batch it sends its encrypted partial
 * scores to the hospital, receives the encrypted residuals, and sends its masked encrypted
 * gradient to the coordinator. It never sees a label, a residual, another party's score or
 * anyone's features in the clear.
 *
 * <p>State machine: READY → (scores, then residuals → masked gradient) →
 * AWAITING_GRADIENT_VALUES → (values) → READY ... → FINISHED.
 */
public final class FeatureHolder extends DataHolder {

    private RoundId scoredRound;

    /**
     * @param features the lab's raw feature columns for the aligned cohort, row i = aligned row i
     */
    public FeatureHolder(String name, double[][] features, TrainingConfig config, KeySetup setup) {
        super(name, features, false, config, setup);
    }

    /** Encrypted partial scores Xw (at the look-ahead point) of the batch, for the hospital. */
    public EncryptedScores scores(RoundId round) {
        requireReady(round);
        double[] z = lookaheadScores(split.batch(round.epoch(), round.batch()));
        scoredRound = round;
        return new EncryptedScores(round, name, EncryptedAlgebra.toWire(keys.encryptReplicated(z)));
    }

    /** Encrypted scores of the validation rows at the current weights, for the hospital. */
    public EncryptedScores validationScores(RoundId round) {
        if (!round.isValidation() || state != State.READY) {
            throw new TrainingException(round, name + " is not ready for validation");
        }
        return new EncryptedScores(round, name, EncryptedAlgebra.toWire(keys.encryptPacked(currentScores(split.validation()))));
    }

    /** From the hospital's encrypted residuals, this lab's masked encrypted gradient. */
    public MaskedGradient gradient(EncryptedResiduals residuals) {
        if (!residuals.round().equals(scoredRound) || state != State.READY) {
            throw new TrainingException(residuals.round(), name + " did not send scores for this round");
        }
        List<Ciphertext> loaded = algebra.fromWire(residuals.ciphertexts());
        try {
            return maskedGradient(residuals.round(), loaded);
        } finally {
            loaded.forEach(Ciphertext::close);
            scoredRound = null;
        }
    }

    private void requireReady(RoundId round) {
        if (state != State.READY || round.isValidation()) {
            throw new TrainingException(round, name + " cannot score: state " + state);
        }
    }
}
