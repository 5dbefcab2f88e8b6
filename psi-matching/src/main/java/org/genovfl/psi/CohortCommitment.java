package org.genovfl.psi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.genovfl.he.ristretto.Ristretto255;

/**
 * Hash commitments to an aligned cohort, as the audit ledger records them.
 *
 * <p>The <b>joint</b> commitment is one value both parties compute identically from what
 * both hold after a run: the intersection's doubly blinded tokens k_I·k_R·H(id), in the
 * canonical row order, domain-separated with the project and the run. Two parties whose
 * PSI_COMPLETED events carry the same joint commitment agreed on the same rows in the same
 * order. The tokens are pseudorandom group elements whose scalars are wiped after the
 * run, so the commitment tells a ledger reader nothing about who is in the cohort.
 *
 * <p>The <b>local</b> commitment binds a party's own patient ids to those rows: a salted
 * hash over (token, local id) per row. The salt stays with the party, so a ledger reader
 * cannot test guessed id lists against it (no dictionary check); the party can later open
 * it to an auditor (salt, ids and tokens), who then recomputes both commitments.
 *
 * <pre>{@code
 * String joint = CohortCommitment.joint(projectId, runId, tokensInRowOrder);
 * String local = CohortCommitment.local(salt, tokensInRowOrder, localIdsInRowOrder);
 * }</pre>
 */
public final class CohortCommitment {

    static final String JOINT_TAG = "GenoVFL-PSI-v1:joint-cohort";
    static final String LOCAL_TAG = "GenoVFL-PSI-v1:local-cohort";
    /** Salt length of the local commitment: as long as the hash, so guessing it is hopeless. */
    public static final int SALT_BYTES = 32;

    private CohortCommitment() {
    }

    /**
     * SHA-256(len ‖ "GenoVFL-PSI-v1:joint-cohort" ‖ project ‖ run ‖ k ‖ t_0 ‖ … ‖ t_{k-1}) in
     * lower-case hex: lengths and k as 8-byte big-endian, the ids as their 16 bytes, each
     * token its 32-byte encoding in row order.
     *
     * @throws IllegalArgumentException if {@code tokens} is not a whole number of 32-byte values
     */
    public static String joint(UUID projectId, UUID runId, byte[] tokens) {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(runId, "runId");
        requireTokens(tokens);
        MessageDigest digest = tagged(JOINT_TAG);
        digest.update(ByteBuffer.allocate(40)
                .putLong(projectId.getMostSignificantBits()).putLong(projectId.getLeastSignificantBits())
                .putLong(runId.getMostSignificantBits()).putLong(runId.getLeastSignificantBits())
                .putLong(tokens.length / Ristretto255.POINT_BYTES).array());
        digest.update(tokens);
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * SHA-256(len ‖ "GenoVFL-PSI-v1:local-cohort" ‖ salt ‖ k ‖ for each row: t_i ‖ len(id_i) ‖ id_i)
     * in lower-case hex, ids in UTF-8.
     *
     * @throws IllegalArgumentException if the salt is not {@value #SALT_BYTES} bytes, the
     *     tokens are not whole 32-byte values, or their number differs from the ids'
     */
    public static String local(byte[] salt, byte[] tokens, List<String> localIds) {
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(localIds, "localIds");
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("the salt must be " + SALT_BYTES + " bytes, not " + salt.length);
        }
        requireTokens(tokens);
        if (tokens.length / Ristretto255.POINT_BYTES != localIds.size()) {
            throw new IllegalArgumentException(tokens.length / Ristretto255.POINT_BYTES + " tokens for "
                    + localIds.size() + " local ids");
        }
        MessageDigest digest = tagged(LOCAL_TAG);
        digest.update(salt);
        digest.update(ByteBuffer.allocate(8).putLong(localIds.size()).array());
        for (int row = 0; row < localIds.size(); row++) {
            byte[] id = localIds.get(row).getBytes(StandardCharsets.UTF_8);
            digest.update(tokens, row * Ristretto255.POINT_BYTES, Ristretto255.POINT_BYTES);
            digest.update(ByteBuffer.allocate(8).putLong(id.length).array());
            digest.update(id);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Refuses a token string that is not whole 32-byte values. */
    static void requireTokens(byte[] tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length % Ristretto255.POINT_BYTES != 0) {
            throw new IllegalArgumentException(tokens.length + " bytes is not a whole number of "
                    + Ristretto255.POINT_BYTES + "-byte tokens");
        }
    }

    /** SHA-256 started with len(tag) ‖ tag, the domain separation every GenoVFL cohort hash begins with. */
    static MessageDigest tagged(String tag) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
        byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(8).putLong(bytes.length).array());
        digest.update(bytes);
        return digest;
    }
}
