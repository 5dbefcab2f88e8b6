package org.genovfl.party.ingest.genomics;

/**
 * One bi-allelic variant with the packed dosages of every sample of its dataset (see
 * {@link PackedDosages}) and its site statistics.
 */
public record DosageRow(String chrom, long pos, String variantId, String ref, String alt, byte[] dosages,
        VariantStatistics statistics) {
}
