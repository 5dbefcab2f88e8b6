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

    /** Coordinator → everyone: go on or stop, and which epoch's weights to keep. */
    public record EpochDecision(RoundId round, boolean stop, int bestEpoch, String reason) {
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
