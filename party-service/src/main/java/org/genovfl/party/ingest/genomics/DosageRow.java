package org.genovfl.party.ingest.genomics;

/**
 * One bi-allelic variant with the packed dosages of every sample of its dataset (see
 * {@link PackedDosages}) and its site statistics.
 */
public record DosageRow(String chrom, long pos, String variantId, String ref, String alt, String gene, byte[] dosages,
        VariantStatistics statistics) {

    /** This row annotated with a gene symbol. */
    public DosageRow withGene(String symbol) {
        return java.util.Objects.equals(symbol, gene) ? this : new DosageRow(chrom, pos, variantId, ref, alt, symbol, dosages, statistics);
    }
}
