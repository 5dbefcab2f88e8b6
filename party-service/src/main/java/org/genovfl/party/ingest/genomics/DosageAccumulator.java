package org.genovfl.party.ingest.genomics;

/**
 * Counts and packs the dosages of one alternate allele across the samples of a site, with
 * AC/AN as bcftools counts them (every called allele, also of partly missing calls).
 */
public final class DosageAccumulator {
    private final int samples;
    private final byte[] dosages;
    private long alleleCount;
    private long alleleNumber;
    private int called;
    private int homRef;
    private int het;
    private int homAlt;

    public DosageAccumulator(int samples) {
        this.samples = samples;
        this.dosages = new byte[PackedDosages.byteLength(samples)];
    }

    /** Adds sample {@code s} whose allele indices are {@code alleles} (-1 = missing). */
    public void add(int s, int[] alleles, int alt) {
        add(s, alleles.length, alleles.length > 0 ? alleles[0] : -1, alleles.length > 1 ? alleles[1] : -1, alt);
    }

    public void add(int s, int ploidy, int first, int second, int alt) {
        int copies = 0;
        boolean missing = ploidy == 0;
        if (ploidy >= 1) {
            if (first < 0) {
                missing = true;
            } else {
                alleleNumber++;
                if (first == alt) {
                    copies++;
                }
            }
        }
        if (ploidy == 2) {
            if (second < 0) {
                missing = true;
            } else {
                alleleNumber++;
                if (second == alt) {
                    copies++;
                }
            }
        }
        alleleCount += copies;
        int shift = (s & 3) << 1;
        int code = missing ? PackedDosages.MISSING : copies;
        dosages[s >>> 2] |= (byte) (code << shift);
        if (!missing) {
            called++;
            if (ploidy == 2) {
                switch (copies) {
                    case 0 -> homRef++;
                    case 1 -> het++;
                    default -> homAlt++;
                }
            }
        }
    }

    public DosageRow row(String chrom, long pos, String id, String ref, String alt) {
        return new DosageRow(chrom, pos, id, ref, alt, null, dosages,
                new VariantStatistics(alleleCount, alleleNumber, called, samples, homRef, het, homAlt));
    }
}
