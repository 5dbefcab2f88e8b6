package org.genovfl.vfl.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.genovfl.he.Ciphertext;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.he.EncryptedAlgebra;
import org.genovfl.vfl.math.Metrics;
import org.genovfl.vfl.math.SigmoidPolynomial;
import org.genovfl.vfl.protocol.Messages.EncryptedResiduals;
import org.genovfl.vfl.protocol.Messages.EncryptedScores;
import org.genovfl.vfl.protocol.Messages.KeySetup;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.Messages.MaskedValues;
import org.genovfl.vfl.protocol.Messages.ValidationReport;

/**
 * The hospital's role: it holds the label, clinical features and the intercept. Per batch
 * it adds its own score to the labs' encrypted scores, evaluates the residual σ̃(z) − y
 * under encryption, sends it to the labs, and sends its own masked encrypted gradient to
 * the coordinator. Per epoch it learns the validation scores (masked through the
 * coordinator) and reports aggregate metrics.
 */
public final class LabelHolder extends DataHolder {

    private final double[] labels;
    private final int labCount;
    private final SigmoidPolynomial sigmoid;
    private List<Ciphertext> pendingResiduals = List.of();
    private RoundId residualRound;
    private double[] pendingScoreMask;
    private RoundId pendingValidation;
    private Metrics.Report lastReport;
    private Metrics.Report bestReport;
    private Metrics.Report releasedReport;

    /**
     * @param labels 0/1 outcome per aligned row
     * @param labCount how many labs send scores each round
     */
    public LabelHolder(String name, double[][] clinical, double[] labels, int labCount, TrainingConfig config,
            KeySetup setup) {
        super(name, clinical, true, config, setup);
        if (labels.length != clinical.length) {
            throw new IllegalArgumentException("labels and features differ in rows");
        }
        this.labels = labels.clone();
        this.labCount = labCount;
        this.sigmoid = SigmoidPolynomial.fit(config.sigmoidInterval());
    }

    /** The encrypted residuals of the batch, from every lab's encrypted scores. */
    public EncryptedResiduals residuals(RoundId round, List<EncryptedScores> labScores) {
        if (state != State.READY || round.isValidation()) {
            throw new TrainingException(round, name + " cannot compute residuals: state " + state);
        }
        checkScores(round, labScores);
        int[] batch = split.batch(round.epoch(), round.batch());
        double[] ownScores = lookaheadScores(batch);
        double[] y = new double[batch.length];
        for (int k = 0; k < batch.length; k++) {
            y[k] = labels[batch[k]];
        }
        List<Ciphertext> summed = ScoreMasking.sumLabScores(keys, algebra, labScores);
        List<Ciphertext> residuals;
        try {
            residuals = IntStream.range(0, summed.size()).parallel()
                    .mapToObj(block -> algebra.residual(summed.get(block), keys.layout().replicate(ownScores, block),
                            keys.layout().replicate(y, block), sigmoid, keys.relinKeys()))
                    .toList();
        } finally {
            summed.forEach(Ciphertext::close);
        }
        pendingResiduals = residuals;
        residualRound = round;
        return new EncryptedResiduals(round, EncryptedAlgebra.serialize(residuals));
    }

    /** The hospital's own masked encrypted gradient (clinical features and intercept). */
    public MaskedGradient gradient(RoundId round) {
        if (!round.equals(residualRound)) {
            throw new TrainingException(round, name + " has no residuals for this round");
        }
        try {
            return maskedGradient(round, pendingResiduals);
        } finally {
            pendingResiduals.forEach(Ciphertext::close);
            pendingResiduals = List.of();
            residualRound = null;
        }
    }

    /** Validation scores z = z_H + Σ z_L, masked in every slot, for the coordinator to decrypt. */
    public MaskedScores maskedValidationScores(RoundId round, List<EncryptedScores> labScores) {
        if (!round.isValidation() || state != State.READY) {
            throw new TrainingException(round, name + " is not ready for validation");
        }
        checkScores(round, labScores);
        List<Ciphertext> summed = ScoreMasking.sumLabScores(keys, algebra, labScores);
        double[] own = currentScores(split.validation());
        double[] mask = algebra.freshMask(EncryptedAlgebra.SCORE_MASK);
        pendingScoreMask = mask;
        pendingValidation = round;
        return ScoreMasking.maskedSum(round, keys, algebra, summed, own, mask);
    }

    /** Unmasks the validation scores, evaluates them against the labels, and reports aggregates. */
    public ValidationReport validationReport(MaskedValues answer) {
        if (!answer.round().equals(pendingValidation)) {
            throw new TrainingException(answer.round(), name + " has no validation pending for this round");
        }
        int[] rows = split.validation();
        double[] probabilities = new double[rows.length];
        double[] y = new double[rows.length];
        double[] z = ScoreMasking.unmask(answer, pendingScoreMask, rows.length, keys.layout().slots());
        int outside = 0;
        for (int k = 0; k < rows.length; k++) {
            outside += Math.abs(z[k]) > sigmoid.interval() ? 1 : 0;
            probabilities[k] = SigmoidPolynomial.sigmoid(z[k]);
            y[k] = labels[rows[k]];
        }
        pendingValidation = null;
        lastReport = Metrics.evaluate(probabilities, y);
        return new ValidationReport(answer.round(), lastReport.auc().value(), lastReport.logLoss(),
                lastReport.accuracy(), (double) outside / rows.length);
    }

    /** The full evaluation (AUC with CI, calibration) of the last validation. */
    public Metrics.Report lastReport() {
        return lastReport;
    }

    /** The full validation evaluation of the best epoch. */
    public Metrics.Report bestReport() {
        return bestReport;
    }

    /** The full validation evaluation of the released epoch (the best, or the last under LAST_EPOCH). */
    public Metrics.Report releasedReport() {
        return releasedReport;
    }

    @Override
    public void onDecision(Messages.EpochDecision decision) {
        if (decision.bestEpoch() == decision.round().epoch()) {
            bestReport = lastReport;
        }
        if (decision.stop()) {
            releasedReport = decision.releasedEpoch() == decision.round().epoch() ? lastReport : bestReport;
        }
        super.onDecision(decision);
    }

    private void checkScores(RoundId round, List<EncryptedScores> labScores) {
        if (labScores.size() != labCount) {
            throw new TrainingException(round, "expected scores from " + labCount + " labs, got " + labScores.size());
        }
        long distinctSenders = labScores.stream().map(EncryptedScores::sender).distinct().count();
        for (EncryptedScores scores : labScores) {
            if (!scores.round().equals(round)) {
                throw new TrainingException(round, "scores from " + scores.sender() + " are for " + scores.round());
            }
        }
        if (distinctSenders != labCount) {
            throw new TrainingException(round, "a lab sent scores twice");
        }
    }

    @Override
    public void close() {
        pendingResiduals.forEach(Ciphertext::close);
        super.close();
    }
}
