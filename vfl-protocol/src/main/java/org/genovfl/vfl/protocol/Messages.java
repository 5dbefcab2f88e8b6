package org.genovfl.vfl.protocol;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The messages of one vertical logistic-regression run (see docs/protocols/vfl-lr.md).
 * Ciphertexts travel as serialized, compressed SEAL objects; the receiver loads them
 * against its own context, which validates them.
 */
public final class Messages {

    private Messages() {
    }

    /** Coordinator → hospital and labs: the public half of the run's fresh key set. */
    public record KeySetup(UUID runId, byte[] parameters, byte[] publicKey, byte[] relinKeys, byte[] galoisKeys,
            int featuresPerBlock) {
    }

    /**
     * Lab → hospital: encrypted partial scores of the batch rows (replicated in the slot
     * layout) or of the validation rows (one per slot).
     */
    public record EncryptedScores(RoundId round, String sender, List<byte[]> ciphertexts) {
    }

    /** Hospital → labs: the encrypted residuals σ̃(z) − y of the batch, replicated layout. */
    public record EncryptedResiduals(RoundId round, List<byte[]> ciphertexts) {
    }

    /** Hospital or lab → coordinator: one ciphertext per feature block, every slot masked. */
    public record MaskedGradient(RoundId round, String sender, List<byte[]> ciphertexts) {
    }

    /** Hospital → coordinator: the validation scores, every slot masked. */
    public record MaskedScores(RoundId round, List<byte[]> ciphertexts) {
    }

    /** Coordinator → the sender of a masked message: the decrypted, rounded, still masked slots. */
    public record MaskedValues(RoundId round, String recipient, List<double[]> values) {
    }

    /** Hospital → coordinator: aggregate validation metrics of an epoch (no per-patient value). */
    public record ValidationReport(RoundId round, double auc, double logLoss, double accuracy,
            double shareOutsideInterval) {
    }

    /**
     * Coordinator → everyone: go on or stop, the best validation epoch so far, and when
     * stopping the epoch whose weights are released ({@code releasedEpoch}, by the run's
     * release policy) or -1 if the run diverged and releases nothing ({@link #failed()}).
     */
    public record EpochDecision(RoundId round, boolean stop, int bestEpoch, String reason, int releasedEpoch) {

        /** A decision to go on: nothing released yet. */
        public EpochDecision(RoundId round, boolean stop, int bestEpoch, String reason) {
            this(round, stop, bestEpoch, reason, NOT_RELEASED);
        }

        public static final int NOT_RELEASED = -1;

        /** The run stopped because it diverged: it fails and no party releases coefficients. */
        public boolean failed() {
            return stop && releasedEpoch == NOT_RELEASED;
        }
    }

    /**
     * Hospital → coordinator: the released model measured once on the test rows, aggregates
     * only (exact σ of the decrypted scores), and the references the hospital can compute
     * alone on the same rows.
     *
     * @param calibrationIntercept intercept of the logistic recalibration of y on logit(p) (ideal 0)
     * @param calibrationSlope slope of that recalibration (ideal 1; below 1 means over-confident scores)
     * @param calibration binned reliability: per tenth of predicted probability, count, mean predicted, observed rate
     * @param prevalenceLogLoss log-loss of predicting the training prevalence for everyone (no features)
     * @param clinicalOnlyAuc test AUC of the hospital's own columns alone, trained in the clear on
     *     the same training rows with the same hyper-parameters; NaN without clinical columns
     */
    public record TestReport(RoundId round, int patients, int positives, double auc, double aucLower,
            double aucUpper, double logLoss, double brier, double accuracy, double calibrationIntercept,
            double calibrationSlope, List<org.genovfl.vfl.math.Metrics.CalibrationBin> calibration,
            double shareOutsideInterval, double prevalenceLogLoss, double clinicalOnlyAuc) {
    }

    /** SHA-256 of a message's ciphertexts, bound to its round and sender: what the audit trail records. */
    public static String digest(RoundId round, String sender, List<byte[]> ciphertexts) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(header)) {
            out.writeLong(round.runId().getMostSignificantBits());
            out.writeLong(round.runId().getLeastSignificantBits());
            out.writeInt(round.epoch());
            out.writeInt(round.batch());
            out.write(sender.getBytes(StandardCharsets.UTF_8));
            out.writeInt(ciphertexts.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sha256(header.toByteArray(), ciphertexts);
    }

    /** Hex SHA-256 of a header followed by each part in turn. */
    public static String sha256(byte[] header, List<byte[]> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(header);
            for (byte[] part : parts) {
                sha.update(part);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
