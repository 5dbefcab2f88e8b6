package org.genovfl.vfl.inference;

import org.genovfl.he.CkksParameters;
import org.genovfl.vfl.he.SlotLayout;

/**
 * The CKKS parameters of every inference run, and the slot packing of a score vector.
 *
 * <p>Inference only adds ciphertexts, so it needs no multiplicative depth: N = 8192 with
 * q = 60 + 40 bits of data primes and a 60-bit special prime (160 bits, under the 218 bits
 * HomomorphicEncryption.org allows for 128-bit security at this degree), Δ = 2^40. The
 * first prime leaves 20 bits for the integer part: sums of partial scores far below 2^19
 * in magnitude. A ciphertext holds 4096 scores, a quarter of the size of a training
 * ciphertext. Contributors accept exactly these parameters and nothing else a requester
 * might announce.
 */
public final class InferenceParameters {

    private static final CkksParameters PARAMETERS = CkksParameters.builder().polyModulusDegree(8192)
            .coeffModulusBits(60, 40, 60).scale(Math.pow(2, 40)).build();
    /** A score vector packed as training packs a score: one row per slot (f = 1). */
    private static final SlotLayout LAYOUT = new SlotLayout(PARAMETERS.slotCount(), 1);

    private InferenceParameters() {
    }

    public static CkksParameters parameters() {
        return PARAMETERS;
    }

    /**
     * The parameters a requester announced, if they are exactly the inference parameters.
     *
     * @throws InferenceException if they are malformed, insecure or any other parameters
     */
    static CkksParameters checked(InferenceMessages.ScoringKeys keys) {
        CkksParameters announced;
        try {
            announced = CkksParameters.fromBytes(keys.parameters());
        } catch (IllegalArgumentException e) {
            throw new InferenceException(keys.runId(), "refused the requester's parameters: " + e.getMessage(), e);
        }
        if (!announced.equals(PARAMETERS)) {
            throw new InferenceException(keys.runId(), "refused parameters other than the inference parameters");
        }
        return announced;
    }

    /** Scores per ciphertext: one per slot. */
    public static int slots() {
        return PARAMETERS.slotCount();
    }

    /** Ciphertexts needed for {@code rowCount} scores. */
    public static int blocks(int rowCount) {
        return LAYOUT.sampleBlocks(rowCount);
    }

    /** Block {@code block} of {@code scores}, one score per slot; slots past the last row are zero. */
    static double[] block(double[] scores, int block) {
        return LAYOUT.replicate(scores, block);
    }
}
