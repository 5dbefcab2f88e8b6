package org.genovfl.vfl.he;

import org.genovfl.he.Plaintext;

/**
 * A party's feature matrix for a fixed set of rows, encoded once into plaintext blocks and
 * reused every epoch (full-batch training sees the same rows each time). Blocks are encoded
 * lazily on first use; each feature block's column is touched by one thread only, so no
 * locking is needed. Native memory: one plaintext of two primes (256 kB at N = 16384) per
 * block, about {@code rows · features / 8192} blocks.
 */
public final class EncodedMatrix implements AutoCloseable {

    private final Plaintext[][] blocks;

    public EncodedMatrix(SlotLayout layout, int rows, int features) {
        this.blocks = new Plaintext[layout.sampleBlocks(rows)][layout.featureBlocks(features)];
    }

    /** Native bytes these blocks would take at the given level count, to decide whether to cache. */
    public static long estimatedBytes(SlotLayout layout, int rows, int features, int primes) {
        return (long) layout.sampleBlocks(rows) * layout.featureBlocks(features) * primes * layout.slots() * 2L * 8L;
    }

    Plaintext block(EncryptedAlgebra algebra, double[][] x, int sampleBlock, int featureBlock, double factor, int level) {
        Plaintext p = blocks[sampleBlock][featureBlock];
        if (p == null || p.level() != level) {
            if (p != null) {
                p.close();
            }
            p = algebra.encodeBlock(x, sampleBlock, featureBlock, factor, level);
            blocks[sampleBlock][featureBlock] = p;
        }
        return p;
    }

    @Override
    public void close() {
        for (Plaintext[] row : blocks) {
            for (Plaintext p : row) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }
}
