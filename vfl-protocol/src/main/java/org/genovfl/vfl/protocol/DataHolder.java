package org.genovfl.vfl.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.genovfl.he.Ciphertext;
import org.genovfl.vfl.CohortSplit;
import org.genovfl.vfl.NesterovOptimizer;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.he.EncodedMatrix;
import org.genovfl.vfl.he.EncryptedAlgebra;
import org.genovfl.vfl.he.RunKeys;
import org.genovfl.vfl.inference.PartyModel;
import org.genovfl.vfl.math.Standardizer;
import org.genovfl.vfl.protocol.Messages.EpochDecision;
import org.genovfl.vfl.protocol.Messages.KeySetup;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;
import org.genovfl.vfl.protocol.Messages.MaskedValues;

/**
 * What the hospital and the labs have in common: their own feature columns of the aligned
 * cohort, standardised locally, their own optimiser, the run's public keys, and the
 * masked-gradient exchange with the coordinator. The standardisation statistics and the
 * masks never leave this object.
 */
abstract class DataHolder implements AutoCloseable {

    /** Where a data holder stands within a round. */
    enum State { READY, AWAITING_GRADIENT_VALUES, FINISHED }

    protected final String name;
    protected final TrainingConfig config;
    protected final CohortSplit split;
    protected final double[][] features;
    private final Standardizer standardizer;
    private final boolean hasIntercept;
    protected final RunKeys keys;
    protected final EncryptedAlgebra algebra;
    protected NesterovOptimizer optimizer;
    protected double[] bestWeights;
    protected int bestEpoch = -1;
    protected State state = State.READY;
    private RoundId pendingRound;
    private List<double[]> pendingMasks = List.of();
    private int pendingFeatures;
    private double[] lastGradient = new double[0];
    /** Full-batch runs reuse the encoded feature matrix every epoch (if it fits the budget). */
    private EncodedMatrix encodedTraining;

    /** Native memory a data holder may spend on pre-encoded feature blocks. */
    static final long ENCODING_CACHE_BYTES = 4L << 30;

    DataHolder(String name, double[][] rawFeatures, boolean hasIntercept, TrainingConfig config, KeySetup setup) {
        if (!config.hasLearningRate()) {
            throw new IllegalArgumentException("the learning rate must be derived from the data before a run starts "
                    + "(StepSize)");
        }
        this.name = name;
        this.config = config;
        this.split = CohortSplit.of(rawFeatures.length, config);
        this.standardizer = Standardizer.fit(rawFeatures, split.training());
        this.hasIntercept = hasIntercept;
        double[][] standardised = standardizer.transform(rawFeatures);
        this.features = hasIntercept ? withInterceptColumn(standardised) : standardised;
        this.keys = RunKeys.load(setup);
        this.algebra = new EncryptedAlgebra(keys.context(), keys.layout());
        int featureCount = rawFeatures.length == 0 ? 0 : rawFeatures[0].length;
        this.optimizer = new NesterovOptimizer(featureCount, hasIntercept);
        this.bestWeights = optimizer.weights();
    }

    public String name() {
        return name;
    }

    /** Rows {@code rows} of the standardised features (with intercept column if any). */
    protected double[][] rows(int[] rows) {
        double[][] out = new double[rows.length][];
        for (int k = 0; k < rows.length; k++) {
            out[k] = features[rows[k]];
        }
        return out;
    }

    /** Scores at the look-ahead point for {@code rows}; the intercept is a column of ones. */
    protected double[] lookaheadScores(int[] rows) {
        double[] point = optimizer.lookahead(config.momentum());
        return dot(rows(rows), point);
    }

    protected double[] currentScores(int[] rows) {
        return dot(rows(rows), optimizer.weights());
    }

    /** Encrypted gradient of this party for the batch, masked in every slot, for the coordinator. */
    protected MaskedGradient maskedGradient(RoundId round, List<Ciphertext> residuals) {
        int[] batch = split.batch(round.epoch(), round.batch());
        double[][] x = rows(batch);
        List<Ciphertext> gradient = algebra.gradient(residuals, x, 1.0 / batch.length, keys.galoisKeys(),
                encodedTraining(batch.length, x.length == 0 ? 0 : x[0].length));
        List<double[]> masks = new ArrayList<>();
        List<Ciphertext> masked = new ArrayList<>();
        for (Ciphertext g : gradient) {
            masked.add(algebra.mask(g, EncryptedAlgebra.GRADIENT_MASK, masks));
            g.close();
        }
        pendingRound = round;
        pendingMasks = masks;
        pendingFeatures = x.length == 0 ? 0 : x[0].length;
        state = State.AWAITING_GRADIENT_VALUES;
        return new MaskedGradient(round, name, EncryptedAlgebra.toWire(masked));
    }

    private EncodedMatrix encodedTraining(int rows, int features) {
        boolean sameRowsEveryEpoch = split.batchesPerEpoch() == 1;
        if (!sameRowsEveryEpoch
                || EncodedMatrix.estimatedBytes(keys.layout(), rows, features, 2) > ENCODING_CACHE_BYTES) {
            return null;
        }
        if (encodedTraining == null) {
            encodedTraining = new EncodedMatrix(keys.layout(), rows, features);
        }
        return encodedTraining;
    }

    /**
     * Removes this party's masks from the coordinator's answer, reads the gradient entries
     * and takes an optimiser step.
     *
     * @throws TrainingException if no gradient is pending for that round, or the answer is
     *     for another party or has the wrong shape
     */
    public void applyGradient(MaskedValues answer) {
        if (state != State.AWAITING_GRADIENT_VALUES || !answer.round().equals(pendingRound)) {
            throw new TrainingException(answer.round(), name + " expected no gradient values for this round");
        }
        if (!name.equals(answer.recipient()) || answer.values().size() != pendingMasks.size()) {
            throw new TrainingException(answer.round(), name + " received gradient values meant for another party");
        }
        int f = keys.layout().featuresPerBlock();
        double[] gradient = new double[pendingFeatures];
        for (int block = 0; block < pendingMasks.size(); block++) {
            double[] values = answer.values().get(block);
            double[] mask = pendingMasks.get(block);
            for (int j = 0; j < f && block * f + j < pendingFeatures; j++) {
                gradient[block * f + j] = values[j] - mask[j];
            }
        }
        for (double g : gradient) {
            if (!Double.isFinite(g)) {
                throw new TrainingException(answer.round(), "diverged: " + name + "'s gradient is not finite");
            }
        }
        optimizer.step(gradient, config.learningRateAt(answer.round().epoch()), config.momentum(), config.l2());
        lastGradient = gradient;
        pendingMasks.forEach(mask -> Arrays.fill(mask, 0));
        pendingMasks = List.of();
        pendingRound = null;
        state = State.READY;
    }

    /** The data gradient this party applied last: its own, known only to it. */
    public double[] lastGradient() {
        return lastGradient.clone();
    }

    /**
     * Keeps the weights of the best epoch so far; stops when told, keeping the released
     * epoch's weights (the best epoch's, or this last epoch's under the LAST_EPOCH policy).
     */
    public void onDecision(EpochDecision decision) {
        int epoch = decision.round().epoch();
        if (decision.bestEpoch() == epoch || (decision.stop() && decision.releasedEpoch() == epoch)) {
            bestWeights = optimizer.weights();
            bestEpoch = epoch;
        }
        if (decision.stop()) {
            state = State.FINISHED;
        }
    }

    /** This party's final coefficients: those of the released epoch (standardised scale; intercept last for the hospital). */
    public double[] finalWeights() {
        return bestWeights.clone();
    }

    /**
     * This party's share of the model to keep after training: its standardisation
     * statistics (fitted on its training rows) and the coefficients of the best epoch.
     */
    public PartyModel releasedModel() {
        return new PartyModel(standardizer, finalWeights(), hasIntercept);
    }

    public boolean finished() {
        return state == State.FINISHED;
    }

    /** The optimiser state to checkpoint after a round. */
    public TrainingCheckpoint checkpoint(RoundId completed) {
        return new TrainingCheckpoint(completed, optimizer.weights(), optimizer.velocity(), bestWeights, bestEpoch);
    }

    /** Resumes from a checkpoint written after {@code checkpoint.completed()}. */
    public void restore(TrainingCheckpoint checkpoint) {
        optimizer = NesterovOptimizer.restore(checkpoint.weights(), checkpoint.velocity(), optimizer.hasIntercept());
        bestWeights = checkpoint.bestWeights().clone();
        bestEpoch = checkpoint.bestEpoch();
        state = State.READY;
        pendingRound = null;
        pendingMasks = List.of();
    }

    @Override
    public void close() {
        if (encodedTraining != null) {
            encodedTraining.close();
        }
        keys.close();
    }

    private static double[] dot(double[][] x, double[] w) {
        double[] z = new double[x.length];
        for (int r = 0; r < x.length; r++) {
            double s = 0;
            for (int c = 0; c < w.length; c++) {
                s += x[r][c] * w[c];
            }
            z[r] = s;
        }
        return z;
    }

    private static double[][] withInterceptColumn(double[][] x) {
        double[][] out = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            out[r] = Arrays.copyOf(x[r], x[r].length + 1);
            out[r][x[r].length] = 1.0;
        }
        return out;
    }
}
