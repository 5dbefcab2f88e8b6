package org.genovfl.vfl.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.genovfl.he.CkksContext;
import org.genovfl.he.CkksParameters;
import org.genovfl.he.Encryptor;
import org.genovfl.he.PublicKey;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedPartialScores;
import org.genovfl.vfl.inference.InferenceMessages.ScoringKeys;

/**
 * A contributing data holder's role in an inference run (every data holder of the model
 * but the requester): it encrypts its partial scores under the requester's public key, once,
 * for the coordinator to add up. It learns nothing: it decrypts nothing and receives no
 * ciphertext.
 *
 * <p>State machine: READY → ({@link #contribute}) SENT.
 */
public final class ScoreContributor {

    enum State { READY, SENT }

    private final UUID runId;
    private final String name;
    private final double[] partialScores;
    private State state = State.READY;

    /**
     * @param name this party's organisation
     * @param partialScores its partial score of each aligned row ({@link PartyModel#partialScores})
     */
    public ScoreContributor(UUID runId, String name, double[] partialScores) {
        this.runId = Objects.requireNonNull(runId, "runId");
        this.name = Objects.requireNonNull(name, "name");
        this.partialScores = partialScores.clone();
    }

    /**
     * Encrypts the partial scores under the requester's key, one score per slot; slots past
     * the last row are zero.
     *
     * @throws InferenceException if this party already contributed, the keys are of another
     *     run or another row count, the parameters are not {@link InferenceParameters#parameters()},
     *     or the public key does not load under them
     */
    public EncryptedPartialScores contribute(ScoringKeys keys) {
        if (state != State.READY) {
            throw new InferenceException(runId, name + " already contributed its partial scores");
        }
        if (!runId.equals(keys.runId())) {
            throw new InferenceException(runId, "refused the keys of run " + keys.runId());
        }
        if (keys.rowCount() != partialScores.length) {
            throw new InferenceException(runId, "the requester scores " + keys.rowCount() + " rows; " + name
                    + " holds " + partialScores.length + " aligned rows");
        }
        CkksParameters parameters = InferenceParameters.checked(keys);
        List<byte[]> ciphertexts = new ArrayList<>();
        try (CkksContext context = CkksContext.create(parameters);
                PublicKey publicKey = context.loadPublicKey(keys.publicKey());
                Encryptor encryptor = context.encryptor(publicKey)) {
            for (int block = 0; block < InferenceParameters.blocks(partialScores.length); block++) {
                try (var ciphertext = encryptor.encrypt(InferenceParameters.block(partialScores, block))) {
                    ciphertexts.add(ciphertext.toBytes(false));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new InferenceException(runId, "refused the requester's public key: " + e.getMessage(), e);
        }
        state = State.SENT;
        return new EncryptedPartialScores(runId, name, partialScores.length, ciphertexts);
    }
}
