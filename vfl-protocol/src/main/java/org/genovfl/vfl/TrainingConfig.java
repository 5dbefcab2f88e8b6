package org.genovfl.vfl;

import java.util.Objects;

/**
 * Hyper-parameters of a vertical logistic-regression run, agreed by all parties before
 * it starts (the coordinator sends them; their hash is audited). The same values drive
 * the centralised baseline, so the two are comparable.
 *
 * <p>Optimiser: mini-batch gradient descent with Nesterov momentum (Sutskever et al.,
 * ICML 2013): at step t each party evaluates its gradient at the look-ahead point
 * {@code w + μv}, then {@code v ← μv − η_t g}, {@code w ← w + v}. Learning rate schedule:
 * inverse-time decay {@code η_t = η₀ / (1 + decay · epoch)}. Loss: mean log-loss plus
 * {@code λ/2 ‖w‖²} (the intercept is not penalised); scikit-learn's
 * {@code LogisticRegression(C=c)} minimises the sum of log-losses plus {@code ½‖w‖²/c},
 * which is the same objective at {@code λ = 1 / (c · n_train)}.
 *
 * <p>Step size: {@code learningRate = 0} (the default) lets the data choose it
 * ({@link StepSize}): each party bounds the largest eigenvalue of its own standardised
 * block's Gram matrix, the bounds' sum bounds the whole design's, and
 * {@code η₀ = 1 / (bound/4 + λ)} is a step gradient descent cannot overshoot with. Early
 * stopping: after each epoch the validation metric is compared with the best so far; after
 * {@code patience} epochs without an improvement of at least {@code minDelta}, training
 * stops. The metric is the validation AUC by default: the cubic stand-in for σ (see
 * {@link org.genovfl.vfl.math.SigmoidPolynomial}) trains a model whose ranking tracks the
 * exact model's while its raw scores are scaled differently, so the exact log-loss of its
 * scores is a poor guide; {@link StoppingMetric#LOG_LOSS} is available for studies that
 * need calibrated scores. The released model is the best validation epoch's or the last
 * epoch's ({@link ReleasePolicy}); its metrics are then measured once on the test rows,
 * which neither early stopping nor the choice of epoch ever saw. A run whose scores leave
 * the cubic's interval (more than {@value #MAX_SHARE_OUTSIDE_INTERVAL} of validation
 * rows), whose metrics are not finite or whose validation log-loss exceeds
 * {@link #MAX_VALIDATION_LOG_LOSS} has diverged: it fails and releases nothing.
 *
 * @param seed fixes the validation and test split, the batch order and nothing else (masks
 *     and encryption use fresh randomness)
 * @param validationFraction share of the aligned cohort held out for early stopping and the
 *     choice of the released epoch
 * @param batchSize patients per mini-batch; 0 means the whole training split
 * @param learningRate η₀; 0 derives it from the data ({@link StepSize})
 * @param testFraction share of the aligned cohort held out to measure the released model
 *     once; 0 means no test rows (the run then reports no test metrics)
 * @param releasePolicy which epoch's weights are released
 */
public record TrainingConfig(long seed, double validationFraction, int batchSize, int maxEpochs,
        double learningRate, double learningRateDecay, double momentum, double l2, int patience,
        double minDelta, double sigmoidInterval, StoppingMetric stoppingMetric, double testFraction,
        ReleasePolicy releasePolicy) {

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

    /** Which epoch's weights a run releases when it stops. */
    public enum ReleasePolicy {
        /** The epoch with the best validation metric (early stopping's choice). */
        BEST_VALIDATION,
        /** The last epoch trained. */
        LAST_EPOCH
    }

    /**
     * A hyper-parameter outside its range.
     *
     * @param field the parameter's name, as in the JSON request
     * @param allowed the range it must lie in, for people
     */
    public static final class InvalidParameterException extends IllegalArgumentException {
        private final String field;
        private final String allowed;

        public InvalidParameterException(String field, String allowed, Object value) {
            super(field + " must be " + allowed + " (got " + value + ")");
            this.field = field;
            this.allowed = allowed;
        }

        public String field() {
            return field;
        }

        public String allowed() {
            return allowed;
        }
    }

    /** Share of validation scores outside the cubic's interval beyond which a run has diverged. */
    public static final double MAX_SHARE_OUTSIDE_INTERVAL = 0.05;

    /** Validation log-loss beyond which a run has diverged: three times that of predicting ½ for everyone. */
    public static final double MAX_VALIDATION_LOG_LOSS = 3 * Math.log(2);

    /** The learning rate that asks for a step size derived from the data. */
    public static final double DERIVED_LEARNING_RATE = 0;

    public TrainingConfig {
        require(validationFraction > 0 && validationFraction < 0.9, "validationFraction", "in (0, 0.9)",
                validationFraction);
        require(testFraction >= 0 && testFraction < 0.9, "testFraction", "in [0, 0.9)", testFraction);
        require(validationFraction + testFraction < 0.9, "testFraction",
                "such that validationFraction + testFraction < 0.9", testFraction);
        require(batchSize >= 0, "batchSize", ">= 0 (0 = the whole training split)", batchSize);
        require(maxEpochs >= 1, "maxEpochs", ">= 1", maxEpochs);
        require(learningRate >= 0 && Double.isFinite(learningRate), "learningRate",
                "> 0, or 0 to derive it from the data", learningRate);
        require(learningRateDecay >= 0 && Double.isFinite(learningRateDecay), "learningRateDecay", ">= 0",
                learningRateDecay);
        require(momentum >= 0 && momentum < 1, "momentum", "in [0, 1)", momentum);
        require(l2 >= 0 && Double.isFinite(l2), "l2", ">= 0", l2);
        require(patience >= 1, "patience", ">= 1", patience);
        require(minDelta >= 0 && Double.isFinite(minDelta), "minDelta", ">= 0", minDelta);
        require(sigmoidInterval > 0 && Double.isFinite(sigmoidInterval), "sigmoidInterval", "> 0", sigmoidInterval);
        Objects.requireNonNull(stoppingMetric, "stoppingMetric");
        releasePolicy = releasePolicy == null ? ReleasePolicy.BEST_VALIDATION : releasePolicy;
    }

    /** The configuration without test rows' or release policy's say: a 20% test split, best validation epoch released. */
    public TrainingConfig(long seed, double validationFraction, int batchSize, int maxEpochs, double learningRate,
            double learningRateDecay, double momentum, double l2, int patience, double minDelta,
            double sigmoidInterval, StoppingMetric stoppingMetric) {
        this(seed, validationFraction, batchSize, maxEpochs, learningRate, learningRateDecay, momentum, l2, patience,
                minDelta, sigmoidInterval, stoppingMetric, 0.2, ReleasePolicy.BEST_VALIDATION);
    }

    private static void require(boolean valid, String field, String allowed, Object value) {
        if (!valid) {
            throw new InvalidParameterException(field, allowed, value);
        }
    }

    /**
     * Defaults that converge on standardised data of any width: the step size derived from
     * the data, 60% training, 20% validation and 20% test rows, λ = 10⁻³.
     */
    public static TrainingConfig defaults(long seed) {
        return new TrainingConfig(seed, 0.2, 0, 60, DERIVED_LEARNING_RATE, 0.02, 0.9, 1e-3, 8, 1e-4, 8.0,
                StoppingMetric.AUC, 0.2, ReleasePolicy.BEST_VALIDATION);
    }

    public TrainingConfig withMaxEpochs(int epochs) {
        return new TrainingConfig(seed, validationFraction, batchSize, epochs, learningRate, learningRateDecay,
                momentum, l2, patience, minDelta, sigmoidInterval, stoppingMetric, testFraction, releasePolicy);
    }

    public TrainingConfig withBatchSize(int size) {
        return new TrainingConfig(seed, validationFraction, size, maxEpochs, learningRate, learningRateDecay,
                momentum, l2, patience, minDelta, sigmoidInterval, stoppingMetric, testFraction, releasePolicy);
    }

    public TrainingConfig withLearningRate(double rate) {
        return new TrainingConfig(seed, validationFraction, batchSize, maxEpochs, rate, learningRateDecay,
                momentum, l2, patience, minDelta, sigmoidInterval, stoppingMetric, testFraction, releasePolicy);
    }

    public TrainingConfig withReleasePolicy(ReleasePolicy policy) {
        return new TrainingConfig(seed, validationFraction, batchSize, maxEpochs, learningRate, learningRateDecay,
                momentum, l2, patience, minDelta, sigmoidInterval, stoppingMetric, testFraction, policy);
    }

    public TrainingConfig withTestFraction(double fraction) {
        return new TrainingConfig(seed, validationFraction, batchSize, maxEpochs, learningRate, learningRateDecay,
                momentum, l2, patience, minDelta, sigmoidInterval, stoppingMetric, fraction, releasePolicy);
    }

    /** True once the step size is known: set by the study, or derived from the data before the run starts. */
    public boolean hasLearningRate() {
        return learningRate > 0;
    }

    /**
     * The learning rate of {@code epoch} under inverse-time decay.
     *
     * @throws IllegalStateException if the step size is still to be derived from the data
     */
    public double learningRateAt(int epoch) {
        if (!hasLearningRate()) {
            throw new IllegalStateException("the learning rate is still to be derived from the data (StepSize)");
        }
        return learningRate / (1 + learningRateDecay * epoch);
    }

    /** λ for scikit-learn's {@code C} on {@code trainingRows} rows: {@code 1 / (C · n_train)}. */
    public static double l2FromInverseRegularisation(double c, int trainingRows) {
        if (!(c > 0) || trainingRows < 1) {
            throw new IllegalArgumentException("C > 0 and at least one training row required");
        }
        return 1.0 / (c * trainingRows);
    }
}
