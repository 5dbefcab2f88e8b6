package org.genovfl.vfl.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.genovfl.he.Ciphertext;
import org.genovfl.vfl.he.EncryptedAlgebra;
import org.genovfl.vfl.he.RunKeys;
import org.genovfl.vfl.protocol.Messages.EncryptedScores;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.Messages.MaskedValues;

/**
 * The hospital's scoring of held-out rows (validation each epoch, test once): the labs'
 * encrypted partial scores summed, its own added, every slot masked for the coordinator to
 * decrypt, and the mask removed from the answer. One mask per scoring, the same in every
 * block; it never leaves the hospital.
 */
final class ScoreMasking {

    private ScoreMasking() {
    }

    /** Σ of the labs' encrypted scores, block by block. */
    static List<Ciphertext> sumLabScores(RunKeys keys, EncryptedAlgebra algebra, List<EncryptedScores> labScores) {
        List<Ciphertext> sum = algebra.fromWire(labScores.get(0).ciphertexts());
        for (int lab = 1; lab < labScores.size(); lab++) {
            List<Ciphertext> other = algebra.fromWire(labScores.get(lab).ciphertexts());
            if (other.size() != sum.size()) {
                other.forEach(Ciphertext::close);
                sum.forEach(Ciphertext::close);
                throw new TrainingException(labScores.get(lab).round(), "labs sent different numbers of score blocks");
            }
            for (int block = 0; block < sum.size(); block++) {
                keys.context().evaluator().addInPlace(sum.get(block), other.get(block));
                other.get(block).close();
            }
        }
        return sum;
    }

    /** [[Σ z_L + own + mask]] per block; closes {@code summed}. */
    static MaskedScores maskedSum(RoundId round, RunKeys keys, EncryptedAlgebra algebra, List<Ciphertext> summed,
            double[] own, double[] mask) {
        int slots = keys.layout().slots();
        List<Ciphertext> masked = new ArrayList<>();
        for (int block = 0; block < summed.size(); block++) {
            double[] plain = mask.clone();
            for (int i = 0; i < slots && block * slots + i < own.length; i++) {
                plain[i] += own[block * slots + i];
            }
            masked.add(algebra.addPlain(summed.get(block), plain));
            summed.get(block).close();
        }
        return new MaskedScores(round, EncryptedAlgebra.toWire(masked));
    }

    /** The first {@code count} scores of the coordinator's answer, unmasked; the mask is then erased. */
    static double[] unmask(MaskedValues answer, double[] mask, int count, int slots) {
        double[] z = new double[count];
        for (int k = 0; k < count; k++) {
            z[k] = answer.values().get(k / slots)[k % slots] - mask[k % slots];
        }
        Arrays.fill(mask, 0);
        return z;
    }
}
