package org.genovfl.vfl.inference;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.genovfl.he.Ciphertext;
import org.genovfl.he.CkksContext;
import org.genovfl.he.CkksParameters;
import org.genovfl.vfl.he.EncryptedAlgebra;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedPartialScores;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedScoreSum;
import org.genovfl.vfl.inference.InferenceMessages.ScoringKeys;

/**
 * The coordinator's role in an inference run: it holds no secret key; it checks the
 * requester's public key once, adds the contributors' encrypted partial scores slot by
 * slot, and forwards only the sum to the requester, so the requester never sees one
 * contributor's part when there are several.
 *
 * <p>State machine: COLLECTING → (every contributor added once) COMPLETE → ({@link #sum})
 * DELIVERED. {@link #close()} frees the native objects.
 */
public final class ScoreAggregator implements AutoCloseable {

    enum State { COLLECTING, COMPLETE, DELIVERED }

    private final ScoringKeys keys;
    private final Set<String> expected;
    private final Set<String> received = new LinkedHashSet<>();
    private final CkksContext context;
    private final List<Ciphertext> sum = new ArrayList<>();
    private State state = State.COLLECTING;

    /**
     * @param contributors every data holder of the model but the requester
     * @throws InferenceException if there is no contributor, the requester is among them, the
     *     row count is not positive, the parameters are not the inference parameters, or the
     *     public key does not load under them
     */
    public ScoreAggregator(ScoringKeys keys, Set<String> contributors) {
        this.keys = Objects.requireNonNull(keys, "keys");
        UUID runId = keys.runId();
        if (contributors.isEmpty() || contributors.contains(keys.requester())) {
            throw new InferenceException(runId, "a score sums the parts of at least one party other than the requester");
        }
        if (keys.rowCount() <= 0) {
            throw new InferenceException(runId, "the requester announced " + keys.rowCount() + " rows");
        }
        CkksParameters parameters = InferenceParameters.checked(keys);
        this.expected = Set.copyOf(contributors);
        this.context = CkksContext.create(parameters);
        try {
            context.loadPublicKey(keys.publicKey()).close();
        } catch (IllegalArgumentException e) {
            context.close();
            throw new InferenceException(runId, "refused the requester's public key: " + e.getMessage(), e);
        }
    }

    /**
     * Adds one contributor's encrypted partial scores to the sum.
     *
     * @throws InferenceException if the message is of another run or row count, its sender is
     *     not an expected contributor or already contributed, it has the wrong number of
     *     ciphertexts, or a ciphertext does not load under the run's parameters or does not
     *     add to the others (another key set, level or scale); the sum is then unchanged
     */
    public void add(EncryptedPartialScores partial) {
        UUID runId = keys.runId();
        if (state != State.COLLECTING) {
            throw new InferenceException(runId, "every contributor has already been added");
        }
        if (!runId.equals(partial.runId())) {
            throw new InferenceException(runId, "refused partial scores of run " + partial.runId());
        }
        if (!expected.contains(partial.sender()) || received.contains(partial.sender())) {
            throw new InferenceException(runId, "refused partial scores from a party that is not an expected "
                    + "contributor or already contributed");
        }
        int blocks = InferenceParameters.blocks(keys.rowCount());
        if (partial.rowCount() != keys.rowCount() || partial.ciphertexts().size() != blocks) {
            throw new InferenceException(runId, "refused partial scores of " + partial.rowCount() + " rows in "
                    + partial.ciphertexts().size() + " ciphertexts; the run scores " + keys.rowCount() + " rows in "
                    + blocks);
        }
        List<Ciphertext> loaded = new ArrayList<>();
        try {
            for (byte[] bytes : partial.ciphertexts()) {
                loaded.add(context.loadCiphertext(bytes));
            }
            if (!sum.isEmpty()) {
                // Add into fresh ciphertexts first, so a refused operand leaves the sum as it was.
                List<Ciphertext> added = new ArrayList<>();
                try {
                    for (int block = 0; block < blocks; block++) {
                        added.add(context.evaluator().add(sum.get(block), loaded.get(block)));
                    }
                } catch (IllegalArgumentException e) {
                    added.forEach(Ciphertext::close);
                    throw e;
                }
                loaded.forEach(Ciphertext::close);
                sum.forEach(Ciphertext::close);
                sum.clear();
                loaded = added;
            }
            sum.addAll(loaded);
        } catch (IllegalArgumentException e) {
            loaded.forEach(Ciphertext::close);
            throw new InferenceException(runId, "refused partial scores whose ciphertexts do not load or add under "
                    + "this run's keys: " + e.getMessage(), e);
        }
        received.add(partial.sender());
        if (received.equals(expected)) {
            state = State.COMPLETE;
        }
    }

    public boolean complete() {
        return state == State.COMPLETE;
    }

    /**
     * The sum to forward to the requester.
     *
     * @throws InferenceException if a contributor is missing, or the sum was already taken
     */
    public EncryptedScoreSum sum() {
        if (state != State.COMPLETE) {
            throw new InferenceException(keys.runId(), state == State.DELIVERED ? "the sum was already delivered"
                    : "waiting for " + (expected.size() - received.size()) + " contributor(s)");
        }
        List<byte[]> bytes = EncryptedAlgebra.serialize(sum);
        state = State.DELIVERED;
        return new EncryptedScoreSum(keys.runId(), keys.rowCount(), List.copyOf(received), bytes);
    }

    @Override
    public void close() {
        sum.forEach(Ciphertext::close);
        sum.clear();
        context.close();
    }
}
