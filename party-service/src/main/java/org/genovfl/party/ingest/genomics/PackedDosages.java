package org.genovfl.party.ingest.genomics;

/**
 * Dosages of many samples packed 2 bits each, as {@code genotype_variant.dosages} stores
 * them: 0, 1 or 2 copies of the alternate allele, {@link #MISSING} (3) for no call; sample
 * 0 sits in the low two bits of byte 0, sample 4 in the low bits of byte 1.
 */
public final class PackedDosages {

    /** The code of a missing call. */
    public static final int MISSING = 3;

    private PackedDosages() {
    }

    /** Bytes needed for {@code samples} dosages. */
    public static int byteLength(int samples) {
        return (samples + 3) >>> 2;
    }

    /** A row with every sample missing, ready for {@link #set}. */
    public static byte[] allMissing(int samples) {
        byte[] packed = new byte[byteLength(samples)];
        java.util.Arrays.fill(packed, (byte) 0xFF);
        return packed;
    }

    /** Stores {@code dosage} (0..3) of sample {@code index}. */
    public static void set(byte[] packed, int index, int dosage) {
        if (dosage < 0 || dosage > MISSING) {
            throw new IllegalArgumentException("dosage must be 0..3, was " + dosage);
        }
        int shift = (index & 3) << 1;
        packed[index >>> 2] = (byte) ((packed[index >>> 2] & ~(3 << shift)) | (dosage << shift));
    }

    /** The dosage (0..3) of sample {@code index}. */
    public static int get(byte[] packed, int index) {
        return (packed[index >>> 2] >>> ((index & 3) << 1)) & 3;
    }
}
