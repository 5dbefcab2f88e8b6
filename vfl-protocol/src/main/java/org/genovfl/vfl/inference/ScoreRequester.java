package org.genovfl.vfl.inference;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.genovfl.he.Ciphertext;
import org.genovfl.he.CkksContext;
import org.genovfl.he.Decryptor;
import org.genovfl.he.KeyGenerator;
import org.genovfl.he.PublicKey;
import org.genovfl.he.SecretKey;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedScoreSum;
import org.genovfl.vfl.inference.InferenceMessages.ScoringKeys;
import org.genovfl.vfl.math.SigmoidPolynomial;

/**
 * The requester's role in an inference run: the one party the project names to receive
 * scores. It makes a fresh CKKS key pair for the run and gives out only the public key;
 * it decrypts exactly one message, the coordinator's sum of the other parties' encrypted
 * partial scores, adds its own partial score, applies the exact sigmoid, and erases the
 * secret key.
 *
 * <p>What it learns is the score of each row and, since it knows its own part, the sum of
 * the others' partial scores; with several contributors, never one contributor's part.
 * A key used for one decryption and then erased gives a key-recovery attack on CKKS
 * decryptions (Li and Micciancio 2021) nothing to recover.
 *
 * <p>State machine: AWAITING_SUM → ({@link #scores}) SCORED; {@link #close()} from any
 * state erases the secret key.
 */
public final class ScoreRequester implements AutoCloseable {

    enum State { AWAITING_SUM, SCORED, CLOSED }

    private final UUID runId;
    private final String name;
    private final double[] ownPartialScores;
    private final CkksContext context;
    private final SecretKey secretKey;
    private final Decryptor decryptor;
    private final ScoringKeys keys;
    private State state = State.AWAITING_SUM;

    /**
     * Makes the run's key pair.
     *
     * @param name the requester's organisation, as its certificate names it
     * @param ownPartialScores the requester's own partial score of each aligned row
     *     ({@link PartyModel#partialScores}); its length is the run's row count
     * @throws IllegalArgumentException if there is no row
     */
    public ScoreRequester(UUID runId, String name, double[] ownPartialScores) {
        this.runId = Objects.requireNonNull(runId, "runId");
        this.name = Objects.requireNonNull(name, "name");
        if (ownPartialScores.length == 0) {
            throw new IllegalArgumentException("an inference run scores at least one row");
        }
        this.ownPartialScores = ownPartialScores.clone();
        this.context = CkksContext.create(InferenceParameters.parameters());
        try (KeyGenerator generator = context.keyGenerator(); PublicKey publicKey = generator.publicKey()) {
            this.secretKey = generator.secretKey();
            this.keys = new ScoringKeys(runId, name, ownPartialScores.length, context.parameters().toBytes(),
                    publicKey.toBytes());
        }
        this.decryptor = context.decryptor(secretKey);
    }

    /** The public key and row count to send, through the coordinator, to every contributor. */
    public ScoringKeys keys() {
        return keys;
    }

    /**
     * Decrypts the sum of the contributors' partial scores, adds this party's own partial
     * score (with the intercept, if it holds it) and returns σ(z) per row, in the aligned
     * order. The secret key is erased afterwards.
     *
     * @param expectedContributors every other data holder of the model: the sum must cover
     *     exactly these, or a row's score would miss a part
     * @throws InferenceException if a sum was already decrypted, or the message is of another
     *     run, another row count, another set of contributors or block count, or its
     *     ciphertexts do not load under this run's key
     */
    public double[] scores(EncryptedScoreSum sum, List<String> expectedContributors) {
        if (state != State.AWAITING_SUM) {
            throw new InferenceException(runId, name + " is " + state + ": it decrypts one sum only");
        }
        if (!runId.equals(sum.runId())) {
            throw new InferenceException(runId, "refused a score sum of run " + sum.runId());
        }
        if (sum.rowCount() != ownPartialScores.length) {
            throw new InferenceException(runId, "refused a score sum of " + sum.rowCount() + " rows; this run scores "
                    + ownPartialScores.length);
        }
        if (!sum.contributors().stream().sorted().toList().equals(expectedContributors.stream().sorted().toList())) {
            throw new InferenceException(runId, "the score sum covers " + sum.contributors().size()
                    + " contributor(s), not the model's " + expectedContributors.size());
        }
        int blocks = InferenceParameters.blocks(ownPartialScores.length);
        if (sum.ciphertexts().size() != blocks) {
            throw new InferenceException(runId, "refused a score sum of " + sum.ciphertexts().size()
                    + " ciphertexts; " + ownPartialScores.length + " rows take " + blocks);
        }
        int slots = context.slotCount();
        double[] scores = new double[ownPartialScores.length];
        for (int block = 0; block < blocks; block++) {
            double[] others;
            try (Ciphertext c = context.loadCiphertext(sum.ciphertexts().get(block))) {
                others = decryptor.decryptValues(c);
            } catch (IllegalArgumentException e) {
                throw new InferenceException(runId, "refused a ciphertext that does not load or decrypt under this "
                        + "run's key: " + e.getMessage(), e);
            }
            for (int i = 0; i < slots && block * slots + i < scores.length; i++) {
                int row = block * slots + i;
                scores[row] = SigmoidPolynomial.sigmoid(others[i] + ownPartialScores[row]);
            }
            Arrays.fill(others, 0);
        }
        state = State.SCORED;
        close();
        return scores;
    }

    /** Erases the secret key and the own partial scores; idempotent. */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        decryptor.close();
        secretKey.close();
        context.close();
        Arrays.fill(ownPartialScores, 0);
        state = State.CLOSED;
    }
}
