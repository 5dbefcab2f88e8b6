package org.genovfl.vfl.inference;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.genovfl.vfl.protocol.Messages;

/**
 * The messages of one vertical inference run (docs/protocols/vfl-inference.md). Every
 * message names its run and the number of aligned rows it scores; row i is row i of the
 * PSI run's canonical order at every party, so no patient identifier is ever sent.
 */
public final class InferenceMessages {

    private InferenceMessages() {
    }

    /**
     * Requester → coordinator → every other data holder: the public half of the requester's
     * fresh key pair, and how many rows it scores.
     */
    public record ScoringKeys(UUID runId, String requester, int rowCount, byte[] parameters, byte[] publicKey) {
    }

    /** A contributing data holder → coordinator: its partial scores, encrypted under the requester's key. */
    public record EncryptedPartialScores(UUID runId, String sender, int rowCount, List<byte[]> ciphertexts) {
    }

    /** Coordinator → requester: the homomorphic sum of every contributor's partial scores, nothing else. */
    public record EncryptedScoreSum(UUID runId, int rowCount, List<String> contributors, List<byte[]> ciphertexts) {
    }

    /** SHA-256 of a message's ciphertexts bound to its run, sender and row count: what the audit trail records. */
    public static String digest(UUID runId, String sender, int rowCount, List<byte[]> ciphertexts) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(header)) {
            out.writeUTF("inference");
            out.writeLong(runId.getMostSignificantBits());
            out.writeLong(runId.getLeastSignificantBits());
            out.writeUTF(sender);
            out.writeInt(rowCount);
            out.writeInt(ciphertexts.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Messages.sha256(header.toByteArray(), ciphertexts);
    }

    /**
     * SHA-256 of the requester's score file: the row count, then per row its index and score
     * (IEEE double), big-endian; no patient. What the requester's INFERENCE_COMPLETED records.
     */
    public static String digest(double[] scores) {
        ByteBuffer file = ByteBuffer.allocate(4 + 12 * scores.length).putInt(scores.length);
        for (int row = 0; row < scores.length; row++) {
            file.putInt(row).putDouble(scores[row]);
        }
        return Messages.sha256(file.array(), List.of());
    }

    /** SHA-256 of the requester's public key material, for the audit trail. */
    public static String digest(ScoringKeys keys) {
        return digest(keys.runId(), keys.requester(), keys.rowCount(), List.of(keys.parameters(), keys.publicKey()));
    }
}
