package org.genovfl.vfl.gwas;

/**
 * How the scan packs patients and variants into the slots of a ciphertext.
 *
 * <p>A ciphertext's S slots form s rows of f columns (s f = S): slot {@code i f + j} is row i,
 * column j. The hospital encrypts each of its vectors (residual, weights, covariate factor
 * columns) per <em>sample block</em> of s patients, patient {@code a s + i} in every slot of
 * row i (replicated f times; the hospital knows the values, so replication is free). A lab's
 * plaintext for sample block a and <em>tile</em> t holds patient {@code a s + i}'s dosage of
 * variant {@code t f + j} in slot {@code i f + j}. Their slot-wise product, summed over
 * sample blocks, then folded by rotations of f, 2f, ..., (s/2) f, holds in every row the f
 * per-variant sums of the tile: a full cyclic fold leaves no partial sums anywhere.
 *
 * <p>A <em>block</em> (the unit of messages, decryption and resumption) is s consecutive
 * tiles, i.e. S variants: tile {@code b s + q} is masked into row q of the block's result,
 * so the variant at offset o of the block sits in slot o.
 */
public record TileLayout(int slots, int samplesPerBlock) {

    public TileLayout {
        if (Integer.bitCount(slots) != 1 || Integer.bitCount(samplesPerBlock) != 1 || samplesPerBlock < 2
                || samplesPerBlock > slots / 2) {
            throw new IllegalArgumentException("samplesPerBlock: a power of two in 2.." + slots / 2);
        }
    }

    /**
     * A layout for n patients: about 16 sample blocks, s between 16 and 256. Larger s means
     * fewer, larger hospital uploads ((k + 2) n / s ciphertexts) but more rotations per variant
     * ((k + 2) s log2(s) / S); see gwas.md for the trade-off.
     */
    public static TileLayout forCohort(int slots, int patients) {
        int s = Integer.highestOneBit(Math.max(1, (patients + 15) / 16 - 1)) << 1;
        return new TileLayout(slots, Math.max(16, Math.min(256, s)));
    }

    public int variantsPerTile() {
        return slots / samplesPerBlock;
    }

    public int variantsPerBlock() {
        return slots;
    }

    public int sampleBlocks(int patients) {
        return (patients + samplesPerBlock - 1) / samplesPerBlock;
    }

    public int blocks(int variants) {
        return (variants + slots - 1) / slots;
    }

    public int tiles(int variants) {
        int f = variantsPerTile();
        return (variants + f - 1) / f;
    }

    /** Rotation steps of the fold: f, 2f, ..., (s/2) f. */
    public int[] foldSteps() {
        int count = Integer.numberOfTrailingZeros(samplesPerBlock);
        int[] steps = new int[count];
        for (int e = 0; e < count; e++) {
            steps[e] = variantsPerTile() << e;
        }
        return steps;
    }

    /** The hospital's vector for one sample block, each patient replicated along its row. */
    public double[] replicate(double[] perPatient, int sampleBlock) {
        int f = variantsPerTile();
        double[] slotValues = new double[slots];
        for (int i = 0; i < samplesPerBlock; i++) {
            int patient = sampleBlock * samplesPerBlock + i;
            if (patient < perPatient.length) {
                java.util.Arrays.fill(slotValues, i * f, (i + 1) * f, perPatient[patient]);
            }
        }
        return slotValues;
    }

    /** A lab's dosages of one tile for one sample block; zero outside the cohort and the variant list. */
    public double[] tile(double[][] columns, int tile, int sampleBlock) {
        int f = variantsPerTile();
        double[] slotValues = new double[slots];
        for (int j = 0; j < f; j++) {
            int variant = tile * f + j;
            if (variant >= columns.length) {
                break;
            }
            double[] column = columns[variant];
            for (int i = 0; i < samplesPerBlock; i++) {
                int patient = sampleBlock * samplesPerBlock + i;
                if (patient >= column.length) {
                    break;
                }
                slotValues[i * f + j] = column[patient];
            }
        }
        return slotValues;
    }

    /** 1 in the f slots of row {@code row}, 0 elsewhere. */
    public double[] rowMask(int row) {
        double[] mask = new double[slots];
        int f = variantsPerTile();
        java.util.Arrays.fill(mask, row * f, (row + 1) * f, 1.0);
        return mask;
    }
}
