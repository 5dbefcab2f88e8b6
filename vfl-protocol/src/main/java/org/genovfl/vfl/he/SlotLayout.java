package org.genovfl.vfl.he;

/**
 * How a batch is packed into CKKS slots: a ciphertext holds {@code samplesPerBlock}
 * patients × {@code featuresPerBlock} features, slot {@code i·f + j} for patient i and
 * feature j of the block. A score or residual vector is sent replicated f times in this
 * layout (its owner knows it in the clear, so replication is free), which lets a party
 * multiply it by a plaintext block of its feature matrix slot-wise, accumulate over
 * patient blocks, and only then fold the patients of a block together with log2(s)
 * rotations by f, 2f, 4f, ... — the Galois keys of exactly those steps are generated.
 *
 * @param slots N/2
 * @param featuresPerBlock f, a power of two dividing the slot count
 */
public record SlotLayout(int slots, int featuresPerBlock) {

    public SlotLayout {
        if (Integer.bitCount(slots) != 1 || Integer.bitCount(featuresPerBlock) != 1 || featuresPerBlock > slots / 2) {
            throw new IllegalArgumentException("slots and featuresPerBlock must be powers of two, f <= slots/2");
        }
    }

    /** s = slots / f. */
    public int samplesPerBlock() {
        return slots / featuresPerBlock;
    }

    public int sampleBlocks(int samples) {
        return (samples + samplesPerBlock() - 1) / samplesPerBlock();
    }

    public int featureBlocks(int features) {
        return (features + featuresPerBlock - 1) / featuresPerBlock;
    }

    /** Rotation steps of the fold over patients: f, 2f, ..., (s/2)f. */
    public int[] foldSteps() {
        int count = Integer.numberOfTrailingZeros(samplesPerBlock());
        int[] steps = new int[count];
        for (int k = 0; k < count; k++) {
            steps[k] = featuresPerBlock << k;
        }
        return steps;
    }

    /** Block {@code block} of {@code values} replicated f times: slot i·f+j = values[block·s + i]. */
    public double[] replicate(double[] values, int block) {
        double[] slotsOut = new double[slots];
        int s = samplesPerBlock();
        for (int i = 0; i < s; i++) {
            int row = block * s + i;
            if (row >= values.length) {
                break;
            }
            double v = values[row];
            for (int j = 0; j < featuresPerBlock; j++) {
                slotsOut[i * featuresPerBlock + j] = v;
            }
        }
        return slotsOut;
    }

    /**
     * Sample block {@code sampleBlock} × feature block {@code featureBlock} of {@code x}
     * (rows already selected for the batch), each entry multiplied by {@code factor}.
     */
    public double[] matrixBlock(double[][] x, int sampleBlock, int featureBlock, double factor) {
        double[] slotsOut = new double[slots];
        int s = samplesPerBlock();
        int features = x.length == 0 ? 0 : x[0].length;
        for (int i = 0; i < s; i++) {
            int row = sampleBlock * s + i;
            if (row >= x.length) {
                break;
            }
            for (int j = 0; j < featuresPerBlock; j++) {
                int column = featureBlock * featuresPerBlock + j;
                if (column < features) {
                    slotsOut[i * featuresPerBlock + j] = x[row][column] * factor;
                }
            }
        }
        return slotsOut;
    }
}
