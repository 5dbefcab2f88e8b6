package org.genovfl.vfl.he;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.genovfl.he.Ciphertext;
import org.genovfl.he.CkksContext;
import org.genovfl.he.CkksEncoder;
import org.genovfl.he.Evaluator;
import org.genovfl.he.GaloisKeys;
import org.genovfl.he.Plaintext;
import org.genovfl.he.RelinKeys;
import org.genovfl.vfl.math.SigmoidPolynomial;

/**
 * The encrypted arithmetic of a round, as small functions over ciphertexts in the slot
 * layout. Level budget with the run parameters (q = 60 + 40 + 40 + 40 bits, special prime
 * 60, N = 16384, Δ = 2^40): a fresh score is at level 3; the cubic residual ends at
 * level 1; the gradient's plaintext products are rescaled once to level 0, whose 60-bit
 * prime leaves 19 bits (values below 5·10^5) for the masked gradient.
 */
public final class EncryptedAlgebra {

    /** Masks of gradients are uniform in ±2^16: gradients of standardised data are below 10. */
    public static final double GRADIENT_MASK = 0x1p16;
    /** Masks of fresh validation scores (top level: ample room) are uniform in ±2^30. */
    public static final double SCORE_MASK = 0x1p30;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final CkksContext context;
    private final CkksEncoder encoder;
    private final Evaluator evaluator;
    private final SlotLayout layout;

    public EncryptedAlgebra(CkksContext context, SlotLayout layout) {
        this.context = context;
        this.encoder = context.encoder();
        this.evaluator = context.evaluator();
        this.layout = layout;
    }

    /**
     * {@code [[d]] = σ̃([[z]] + zPlain) − y} slot-wise, with σ̃ the cubic
     * {@code 1/2 + a1 z + a3 z³}: z² and a3·z are rescaled to the next level, their product
     * to the one after; a1·z is brought to exactly that level and scale, and the constant
     * part 1/2 − y is added as a plaintext at that scale. Depth 2.
     *
     * @param encryptedScore sum of the labs' scores, fresh (top level, scale Δ)
     * @param plainScore the hospital's own score (with intercept), same layout
     * @param labels y in the same layout (0 in padding slots)
     */
    public Ciphertext residual(Ciphertext encryptedScore, double[] plainScore, double[] labels,
            SigmoidPolynomial sigmoid, RelinKeys relinKeys) {
        try (Plaintext own = encoder.encode(plainScore, encryptedScore.level(), encryptedScore.scale());
                Ciphertext z = evaluator.addPlain(encryptedScore, own);
                Ciphertext zSquared = rescaled(evaluator.multiply(z, z, relinKeys));
                Ciphertext a3z = rescaled(evaluator.multiplyConstant(z, sigmoid.a3()));
                Ciphertext cubic = rescaled(evaluator.multiply(zSquared, a3z, relinKeys));
                Ciphertext a1z = rescaled(evaluator.multiplyConstant(z, sigmoid.a1()));
                Ciphertext linear = evaluator.matchLevel(a1z, cubic);
                Ciphertext sum = evaluator.add(cubic, linear)) {
            double[] constant = new double[labels.length];
            for (int i = 0; i < constant.length; i++) {
                constant[i] = 0.5 - labels[i];
            }
            try (Plaintext c = encoder.encode(constant, sum.level(), sum.scale())) {
                return evaluator.addPlain(sum, c);
            }
        }
    }

    /**
     * The encrypted gradient {@code factor · Xᵀ d} of one party, one ciphertext per feature
     * block: slot j holds the entry of feature {@code block·f + j}; the other slots hold
     * partial sums and must be masked before anyone decrypts them. Products are accumulated
     * over sample blocks before a single rescale, then folded with log2(s) rotations.
     *
     * @param residuals one ciphertext per sample block of the batch
     * @param x the party's standardised batch rows, {@code x[row][feature]}
     */
    public List<Ciphertext> gradient(List<Ciphertext> residuals, double[][] x, double factor, GaloisKeys galoisKeys) {
        return gradient(residuals, x, factor, galoisKeys, null);
    }

    /**
     * As {@link #gradient(List, double[][], double, GaloisKeys)}, reusing the plaintext
     * blocks of {@code encoded} (built for exactly these rows and factor) instead of
     * encoding them again: encoding is the largest single cost of a full-batch epoch.
     */
    public List<Ciphertext> gradient(List<Ciphertext> residuals, double[][] x, double factor, GaloisKeys galoisKeys,
            EncodedMatrix encoded) {
        int features = x.length == 0 ? 0 : x[0].length;
        if (residuals.size() != layout.sampleBlocks(x.length)) {
            throw new IllegalArgumentException("expected " + layout.sampleBlocks(x.length) + " residual ciphertexts, got "
                    + residuals.size());
        }
        return IntStream.range(0, layout.featureBlocks(features)).parallel()
                .mapToObj(block -> gradientBlock(residuals, x, block, factor, galoisKeys, encoded))
                .toList();
    }

    /** The plaintext block (sampleBlock, featureBlock) of {@code factor · x}, encoded at {@code level}. */
    Plaintext encodeBlock(double[][] x, int sampleBlock, int featureBlock, double factor, int level) {
        return encoder.encode(layout.matrixBlock(x, sampleBlock, featureBlock, factor), level, context.parameters().scale());
    }

    private Ciphertext gradientBlock(List<Ciphertext> residuals, double[][] x, int featureBlock, double factor,
            GaloisKeys galoisKeys, EncodedMatrix encoded) {
        Ciphertext sum = null;
        for (int sampleBlock = 0; sampleBlock < residuals.size(); sampleBlock++) {
            Ciphertext d = residuals.get(sampleBlock);
            Plaintext block = encoded != null ? encoded.block(this, x, sampleBlock, featureBlock, factor, d.level())
                    : encodeBlock(x, sampleBlock, featureBlock, factor, d.level());
            try {
                Ciphertext product = evaluator.multiplyPlain(d, block);
                if (sum == null) {
                    sum = product;
                } else {
                    evaluator.addInPlace(sum, product);
                    product.close();
                }
            } finally {
                if (encoded == null) {
                    block.close();
                }
            }
        }
        evaluator.rescaleToNextInPlace(sum);
        for (int step : layout.foldSteps()) {
            try (Ciphertext rotated = evaluator.rotate(sum, step, galoisKeys)) {
                evaluator.addInPlace(sum, rotated);
            }
        }
        return sum;
    }

    /** Adds {@code values} (already in slot order) to {@code c} as a plaintext at its level and scale. */
    public Ciphertext addPlain(Ciphertext c, double[] values) {
        try (Plaintext p = encoder.encode(values, c.level(), c.scale())) {
            return evaluator.addPlain(c, p);
        }
    }

    /** A fresh uniform mask in ±{@code magnitude} for every slot. */
    public double[] freshMask(double magnitude) {
        double[] mask = new double[layout.slots()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (RANDOM.nextDouble() * 2 - 1) * magnitude;
        }
        return mask;
    }

    /** Masks {@code c} with a fresh mask, which is written to {@code maskOut}. */
    public Ciphertext mask(Ciphertext c, double magnitude, List<double[]> maskOut) {
        double[] mask = freshMask(magnitude);
        maskOut.add(mask);
        return addPlain(c, mask);
    }

    /**
     * Serializes the ciphertexts, uncompressed (zstd gains little on CKKS ciphertexts and
     * costs more than the bytes it saves), and closes them: what goes on the wire.
     */
    public static List<byte[]> toWire(List<Ciphertext> ciphertexts) {
        List<byte[]> bytes = serialize(ciphertexts);
        ciphertexts.forEach(Ciphertext::close);
        return bytes;
    }

    /** As {@link #toWire}, but leaves the ciphertexts open, for a sender that still needs them. */
    public static List<byte[]> serialize(List<Ciphertext> ciphertexts) {
        return ciphertexts.parallelStream().map(c -> c.toBytes(false)).toList();
    }

    /** Loads received ciphertexts, validating each against the context. */
    public List<Ciphertext> fromWire(List<byte[]> bytes) {
        Ciphertext[] loaded = new Ciphertext[bytes.size()];
        try {
            IntStream.range(0, loaded.length).parallel().forEach(i -> loaded[i] = context.loadCiphertext(bytes.get(i)));
            return List.of(loaded);
        } catch (RuntimeException e) {
            for (Ciphertext c : loaded) {
                if (c != null) {
                    c.close();
                }
            }
            throw e;
        }
    }

    private Ciphertext rescaled(Ciphertext c) {
        evaluator.rescaleToNextInPlace(c);
        return c;
    }
}
