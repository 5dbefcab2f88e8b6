package org.genovfl.vfl;

/**
 * Hyper-parameters of a vertical logistic-regression run, agreed by all parties before
 * it starts (the coordinator sends them; their hash is audited). The same values drive
 * the centralised baseline, so the two are comparable.
 *
 * <p>Optimiser: mini-batch gradient descent with Nesterov momentum (Sutskever et al.,
 * ICML 2013): at step t each party evaluates its gradient at the look-ahead point
 * {@code w + μv}, then {@code v ← μv − η_t g}, {@code w ← w + v}. Learning rate schedule:
 * inverse-time decay {@code η_t = η₀ / (1 + decay · epoch)}. Loss: mean log-loss plus
 * {@code λ/2 ‖w‖²} (the intercept is not penalised). Early stopping: after each epoch the
 * validation log-loss is compared with the best so far; after {@code patience} epochs
 * without an improvement of at least {@code minDelta}, training stops and every party
 * keeps the weights of the best epoch. The metric is the validation AUC by default: the
 * cubic stand-in for σ (see {@link org.genovfl.vfl.math.SigmoidPolynomial}) trains a model
 * whose ranking tracks the exact model's while its raw scores are scaled differently, so
 * the exact log-loss of its scores is a poor guide; {@link StoppingMetric#LOG_LOSS} is
 * available for studies that need calibrated scores. Training also stops when more than
 * {@code 5%} of validation scores leave the cubic's interval, where it stops resembling σ.
 *
 * @param seed fixes the validation split, the batch order and nothing else (masks and
 *     encryption use fresh randomness)
 * @param validationFraction share of the aligned cohort held out for validation
 * @param batchSize patients per mini-batch; 0 means the whole training split
 */
public record TrainingConfig(long seed, double validationFraction, int batchSize, int maxEpochs,
        double learningRate, double learningRateDecay, double momentum, double l2, int patience,
        double minDelta, double sigmoidInterval, StoppingMetric stoppingMetric) {

    /** What early stopping watches on the validation split. */
    public enum StoppingMetric {
        /** Higher is better. */
        AUC,
        /** Lower is better. */
        LOG_LOSS;

        /** The value early stopping minimises. */
        public double loss(double auc, double logLoss) {
            return this == AUC ? -auc : logLoss;
        }
    }

    /** Share of validation scores outside the cubic's interval that stops training. */
    public static final double MAX_SHARE_OUTSIDE_INTERVAL = 0.05;

    public TrainingConfig {
        if (!(validationFraction > 0 && validationFraction < 0.9)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 0.9)");
        }
        if (batchSize < 0 || maxEpochs < 1 || patience < 1) {
            throw new IllegalArgumentException("batchSize >= 0, maxEpochs >= 1 and patience >= 1 are required");
        }
        if (!(learningRate > 0) || learningRateDecay < 0 || momentum < 0 || momentum >= 1 || l2 < 0 || minDelta < 0) {
            throw new IllegalArgumentException("learning rate > 0, decay >= 0, 0 <= momentum < 1, l2 >= 0, minDelta >= 0");
        }
        java.util.Objects.requireNonNull(stoppingMetric, "stoppingMetric");
        if (!(sigmoidInterval > 0)) {
            throw new IllegalArgumentException("sigmoidInterval must be positive");
        }
    }

    /** Defaults that train the demo and test cohorts well. */
    public static TrainingConfig defaults(long seed) {
        return new TrainingConfig(seed, 0.2, 0, 60, 0.5, 0.02, 0.9, 1e-3, 8, 1e-4, 8.0, StoppingMetric.AUC);
    }

    public TrainingConfig withMaxEpochs(int epochs) {
        return new TrainingConfig(seed, validationFraction, batchSize, epochs, learningRate, learningRateDecay,
                momentum, l2, patience, minDelta, sigmoidInterval, stoppingMetric);
    }

    public TrainingConfig withBatchSize(int size) {
        return new TrainingConfig(seed, validationFraction, size, maxEpochs, learningRate, learningRateDecay,
                momentum, l2, patience, minDelta, sigmoidInterval, stoppingMetric);
    }

    /** The learning rate of {@code epoch} under inverse-time decay. */
    public double learningRateAt(int epoch) {
        return learningRate / (1 + learningRateDecay * epoch);
    }
}
