package org.genovfl.vfl.protocol;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.genovfl.he.Ciphertext;
import org.genovfl.he.CkksContext;
import org.genovfl.he.CkksParameters;
import org.genovfl.he.Decryptor;
import org.genovfl.he.GaloisKeys;
import org.genovfl.he.KeyGenerator;
import org.genovfl.he.PublicKey;
import org.genovfl.he.RelinKeys;
import org.genovfl.he.SecretKey;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.he.EncryptedAlgebra;
import org.genovfl.vfl.he.SlotLayout;
import org.genovfl.vfl.protocol.Messages.EpochDecision;
import org.genovfl.vfl.protocol.Messages.KeySetup;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.Messages.MaskedValues;
import org.genovfl.vfl.protocol.Messages.ValidationReport;

/**
 * The coordinator's role: it makes a fresh key set per run, keeps the secret key, decrypts
 * only masked messages — each at most once — and decides when training stops.
 *
 * <p>What it returns from a decryption is hardened against key-recovery attacks on CKKS
 * decryptions (Li and Micciancio, EUROCRYPT 2021): decoded values only, with Gaussian
 * noise of standard deviation {@value #FLOODING_SIGMA} added and then rounded to a grid of
 * 2^-24, which drowns the ciphertext's own error (about 1e-8 here). The requester never
 * knows the exact plaintext either: it is its gradient or score plus a mask, and the
 * gradient itself depends on the encrypted residual it cannot see.
 */
public final class Coordinator implements AutoCloseable {

    /** Standard deviation of the noise added to every decrypted slot. */
    public static final double FLOODING_SIGMA = 0x1p-20;
    private static final double GRID = 0x1p24;

    /** The parameters of a run: N = 16384, q = 60 + 40 + 40 + 40 (+ 60 special) = 240 bits ≤ 438: depth 3. */
    public static CkksParameters runParameters() {
        return CkksParameters.builder().polyModulusDegree(16384).coeffModulusBits(60, 40, 40, 40, 60)
                .scale(Math.pow(2, 40)).build();
    }

    enum State { TRAINING, FINISHED, TESTED }

    private final UUID runId;
    private final TrainingConfig config;
    private final Set<String> dataHolders;
    private final String labelHolder;
    private final CkksContext context;
    private final SecretKey secretKey;
    private final Decryptor decryptor;
    private final KeySetup keySetup;
    private final Set<String> decryptedThisRound = new HashSet<>();
    private final SecureRandom random = new SecureRandom();
    private RoundId currentRound;
    private State state = State.TRAINING;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch = -1;
    private int epochsWithoutImprovement;
    private int releasedEpoch = EpochDecision.NOT_RELEASED;

    /**
     * @param labelHolder name of the hospital
     * @param dataHolders names of every party that may send a masked gradient (hospital and labs)
     * @param featuresPerBlock f of the slot layout, a power of two
     */
    public Coordinator(UUID runId, TrainingConfig config, String labelHolder, Set<String> dataHolders,
            int featuresPerBlock) {
        this.runId = runId;
        this.config = config;
        this.labelHolder = labelHolder;
        this.dataHolders = Set.copyOf(dataHolders);
        if (!dataHolders.contains(labelHolder)) {
            throw new IllegalArgumentException("the label holder must be one of the data holders");
        }
        CkksParameters parameters = runParameters();
        this.context = CkksContext.create(parameters);
        SlotLayout layout = new SlotLayout(context.slotCount(), featuresPerBlock);
        try (KeyGenerator generator = context.keyGenerator();
                PublicKey publicKey = generator.publicKey();
                RelinKeys relinKeys = generator.relinKeys();
                GaloisKeys galoisKeys = generator.galoisKeys(layout.foldSteps())) {
            this.secretKey = generator.secretKey();
            this.keySetup = new KeySetup(runId, parameters.toBytes(), publicKey.toBytes(), relinKeys.toBytes(),
                    galoisKeys.toBytes(), featuresPerBlock);
        }
        this.decryptor = context.decryptor(secretKey);
    }

    private Coordinator(UUID runId, TrainingConfig config, String labelHolder, Set<String> dataHolders,
            KeySetup keySetup, byte[] secretKeyBytes) {
        if (!dataHolders.contains(labelHolder)) {
            throw new IllegalArgumentException("the label holder must be one of the data holders");
        }
        if (!keySetup.runId().equals(runId)) {
            throw new IllegalArgumentException("the key setup belongs to another run");
        }
        this.runId = runId;
        this.config = config;
        this.labelHolder = labelHolder;
        this.dataHolders = Set.copyOf(dataHolders);
        this.keySetup = keySetup;
        this.context = CkksContext.create(CkksParameters.fromBytes(keySetup.parameters()));
        try {
            this.secretKey = context.loadSecretKey(secretKeyBytes);
            this.decryptor = context.decryptor(secretKey);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /**
     * Resumes a run after a restart of the coordinator's service, from the key setup it sent
     * and the secret key it kept ({@link #exportSecretKey()}). Follow with
     * {@link #restoreHistory(List)} to restore the stopping rule.
     *
     * @throws IllegalArgumentException if the key setup is of another run, or the label
     *     holder is not a data holder
     * @throws org.genovfl.he.HeFormatException if the secret key does not load under the setup's parameters
     */
    public static Coordinator resume(UUID runId, TrainingConfig config, String labelHolder, Set<String> dataHolders,
            KeySetup keySetup, byte[] secretKey) {
        return new Coordinator(runId, config, labelHolder, dataHolders, keySetup, secretKey);
    }

    /**
     * The run's secret key, serialized, for the coordinator's own durable storage so that it
     * can {@link #resume} after a restart. It must never leave the coordinator; erase it
     * when the run ends.
     */
    public byte[] exportSecretKey() {
        return secretKey.toBytes();
    }

    public KeySetup keySetup() {
        return keySetup;
    }

    /** Opens a round: from now on each data holder may have its gradient decrypted once. */
    public void beginRound(RoundId round) {
        requireTraining(round);
        currentRound = round;
        decryptedThisRound.clear();
    }

    /** Decrypts a masked gradient of the current round, once per sender. */
    public MaskedValues decrypt(MaskedGradient gradient) {
        checkRequest(gradient.round(), gradient.sender());
        return new MaskedValues(gradient.round(), gradient.sender(), decryptAll(gradient.round(), gradient.ciphertexts()));
    }

    /** Decrypts the hospital's masked validation scores of the current epoch, once. */
    public MaskedValues decrypt(MaskedScores scores) {
        if (!scores.round().isValidation()) {
            throw new TrainingException(scores.round(), "masked scores are only decrypted for validation");
        }
        checkRequest(scores.round(), labelHolder);
        return new MaskedValues(scores.round(), labelHolder, decryptAll(scores.round(), scores.ciphertexts()));
    }

    /**
     * Early stopping on the validation metric, the cap on epochs, and divergence: metrics
     * that are not finite, more than {@value TrainingConfig#MAX_SHARE_OUTSIDE_INTERVAL} of
     * validation scores outside the cubic's interval, or a validation log-loss above
     * {@link TrainingConfig#MAX_VALIDATION_LOG_LOSS} stop the run as failed (nothing
     * released). A run that stops otherwise releases the epoch its release policy names.
     */
    public EpochDecision decide(ValidationReport report) {
        if (!report.round().equals(currentRound) || !report.round().isValidation()) {
            throw new TrainingException(report.round(), "validation report for a round that is not open");
        }
        int epoch = report.round().epoch();
        String divergence = divergence(report);
        if (divergence != null) {
            state = State.FINISHED;
            return new EpochDecision(report.round(), true, bestEpoch, divergence, EpochDecision.NOT_RELEASED);
        }
        double loss = config.stoppingMetric().loss(report.auc(), report.logLoss());
        if (loss < bestLoss - config.minDelta()) {
            bestLoss = loss;
            bestEpoch = epoch;
            epochsWithoutImprovement = 0;
        } else {
            epochsWithoutImprovement++;
        }
        String reason = null;
        if (epochsWithoutImprovement >= config.patience()) {
            reason = "no improvement of validation " + config.stoppingMetric() + " for " + config.patience() + " epochs";
        } else if (epoch + 1 >= config.maxEpochs()) {
            reason = "reached " + config.maxEpochs() + " epochs";
        }
        if (reason == null) {
            return new EpochDecision(report.round(), false, bestEpoch, null, EpochDecision.NOT_RELEASED);
        }
        state = State.FINISHED;
        releasedEpoch = config.releasePolicy() == TrainingConfig.ReleasePolicy.LAST_EPOCH ? epoch : bestEpoch;
        String released = config.releasePolicy() == TrainingConfig.ReleasePolicy.LAST_EPOCH
                ? "; released the last epoch (" + epoch + ") by the LAST_EPOCH policy"
                : "; released epoch " + bestEpoch + ", the best by validation " + config.stoppingMetric();
        return new EpochDecision(report.round(), true, bestEpoch, reason + released, releasedEpoch);
    }

    /** Why the epoch shows that training diverged, or null. */
    private static String divergence(ValidationReport report) {
        if (!Double.isFinite(report.auc()) || !Double.isFinite(report.logLoss())
                || !Double.isFinite(report.shareOutsideInterval())) {
            return "diverged: the validation metrics are not finite";
        }
        if (report.shareOutsideInterval() > TrainingConfig.MAX_SHARE_OUTSIDE_INTERVAL) {
            return String.format(java.util.Locale.ROOT, "diverged: %.0f%% of validation scores left the sigmoid "
                    + "approximation's interval (at most %.0f%% allowed); lower the learning rate or raise l2",
                    100 * report.shareOutsideInterval(), 100 * TrainingConfig.MAX_SHARE_OUTSIDE_INTERVAL);
        }
        if (report.logLoss() > TrainingConfig.MAX_VALIDATION_LOG_LOSS) {
            return String.format(java.util.Locale.ROOT, "diverged: validation log-loss %.3f exceeds %.3f (three "
                    + "times that of predicting 1/2); lower the learning rate or raise l2", report.logLoss(),
                    TrainingConfig.MAX_VALIDATION_LOG_LOSS);
        }
        return null;
    }

    /**
     * Decrypts the hospital's masked scores of the test rows under the released model, once,
     * after training stopped without diverging. The secret key serves no other purpose after this.
     */
    public MaskedValues decryptTest(MaskedScores scores) {
        RoundId round = scores.round();
        if (!round.runId().equals(runId)) {
            throw new TrainingException(round, "message belongs to another run");
        }
        if (state != State.FINISHED || releasedEpoch == EpochDecision.NOT_RELEASED || !round.isTest()
                || round.epoch() != releasedEpoch) {
            throw new TrainingException(round, "test scores are decrypted once, for the released epoch ("
                    + releasedEpoch + "), after training stopped");
        }
        state = State.TESTED;
        return new MaskedValues(round, labelHolder, decryptAll(round, scores.ciphertexts()));
    }

    /** The epoch whose weights the run released, or -1 while training or after divergence. */
    public int releasedEpoch() {
        return releasedEpoch;
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    public boolean finished() {
        return state != State.TRAINING;
    }

    /**
     * Restores the stopping rule's state when a coordinator resumes a run.
     *
     * @return the decisions, as {@link #decide} took them the first time
     */
    public List<EpochDecision> restoreHistory(List<ValidationReport> reports) {
        List<EpochDecision> decisions = new ArrayList<>();
        for (ValidationReport report : reports) {
            currentRound = report.round();
            decisions.add(decide(report));
        }
        currentRound = null;
        return decisions;
    }

    private List<double[]> decryptAll(RoundId round, List<byte[]> wire) {
        List<double[]> values = new ArrayList<>(wire.size());
        for (byte[] bytes : wire) {
            try (Ciphertext c = context.loadCiphertext(bytes)) {
                double[] decoded = decryptor.decryptValues(c);
                for (int i = 0; i < decoded.length; i++) {
                    double flooded = decoded[i] + random.nextGaussian() * FLOODING_SIGMA;
                    decoded[i] = Math.rint(flooded * GRID) / GRID;
                }
                values.add(decoded);
            } catch (IllegalArgumentException e) {
                throw new TrainingException(round, "refused a ciphertext that does not load under this run's keys", e);
            }
        }
        return values;
    }

    private void checkRequest(RoundId round, String sender) {
        requireTraining(round);
        if (!round.equals(currentRound)) {
            throw new TrainingException(round, "decryption requested for a round that is not open (open: " + currentRound + ")");
        }
        if (!dataHolders.contains(sender)) {
            throw new TrainingException(round, "decryption requested by an unknown party");
        }
        if (!decryptedThisRound.add(sender)) {
            throw new TrainingException(round, sender + " already had its message of this round decrypted");
        }
    }

    private void requireTraining(RoundId round) {
        if (!round.runId().equals(runId)) {
            throw new TrainingException(round, "message belongs to another run");
        }
        if (state != State.TRAINING) {
            throw new TrainingException(round, "training has finished");
        }
    }

    /** Erases the secret key: after the run nothing it encrypted can be decrypted. */
    @Override
    public void close() {
        decryptor.close();
        secretKey.close();
        context.close();
    }
}
