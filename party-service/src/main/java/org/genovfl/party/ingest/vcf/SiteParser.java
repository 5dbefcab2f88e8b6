package org.genovfl.party.ingest.vcf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.genovfl.party.ingest.genomics.DosageAccumulator;
import org.genovfl.party.ingest.genomics.DosageRow;

/**
 * Parses one VCF data line where it lies in the reader's buffer, looking at the site
 * columns, the gene annotations of INFO (only if the header declares some) and GT only.
 * Rules: {@link VcfDosageReader}.
 */
final class SiteParser {

    private static final int FIXED_COLUMNS = 9;

    private final int samples;
    private final GeneAnnotations genes;
    private final int[] columnStart = new int[FIXED_COLUMNS + 1];

    SiteParser(int samples, GeneAnnotations genes) {
        this.samples = samples;
        this.genes = genes;
    }

    /**
     * @return one row per ALT allele; empty for a site without one (ALT {@code .})
     * @throws MalformedRecord if the line breaks a rule
     */
    List<DosageRow> parse(byte[] line, int start, int end) {
        int at = start;
        for (int column = 0; column < FIXED_COLUMNS; column++) {
            columnStart[column] = at;
            int tab = indexOf(line, (byte) '\t', at, end);
            if (tab < 0) {
                throw new MalformedRecord("expected " + (FIXED_COLUMNS + samples) + " tab-separated columns, found "
                        + (column + 1) + " (is the line truncated?)");
            }
            at = tab + 1;
        }
        columnStart[FIXED_COLUMNS] = at;
        String chrom = column(line, 0);
        long pos = position(line);
        String id = column(line, 2);
        String ref = column(line, 3);
        String altColumn = column(line, 4);
        if (ref.isEmpty() || altColumn.isEmpty()) {
            throw new MalformedRecord("empty REF or ALT");
        }
        if (altColumn.equals(".")) {
            return List.of();
        }
        String[] alts = altColumn.split(",");
        if (!formatStartsWithGt(line)) {
            throw new MalformedRecord("FORMAT does not start with GT");
        }
        DosageAccumulator[] perAlt = new DosageAccumulator[alts.length];
        for (int k = 0; k < alts.length; k++) {
            perAlt[k] = new DosageAccumulator(samples);
        }
        for (int s = 0; s < samples; s++) {
            if (at > end) {
                throw new MalformedRecord("expected " + samples + " sample columns, found " + s + " (is the line truncated?)");
            }
            at = parseGenotype(line, at, end, s, alts.length, perAlt);
        }
        if (at <= end) {
            throw new MalformedRecord("more than the " + samples + " sample columns the header names");
        }
        String[] altGenes = genes.present()
                ? genes.genes(key -> GeneAnnotations.infoValue(column(line, 7), key), alts)
                : new String[alts.length];
        List<DosageRow> rows = new ArrayList<>(alts.length);
        for (int k = 0; k < alts.length; k++) {
            rows.add(perAlt[k].row(chrom, pos, id.equals(".") ? null : id, ref, alts[k]).withGene(altGenes[k]));
        }
        return rows;
    }

    /** Adds the GT of sample {@code s} starting at {@code at}; returns the start of the next column. */
    private static int parseGenotype(byte[] line, int at, int end, int s, int altCount, DosageAccumulator[] perAlt) {
        // Fast path for the common column: a diploid call of single-digit alleles and
        // nothing else ("0|1"); anything else takes the general path below.
        if (at + 3 <= end && (at + 3 == end || line[at + 3] == '\t')) {
            int first = line[at] - '0';
            int second = line[at + 2] - '0';
            byte separator = line[at + 1];
            if (first >= 0 && first <= 9 && first <= altCount && second >= 0 && second <= 9 && second <= altCount
                    && (separator == '|' || separator == '/')) {
                for (int k = 0; k < perAlt.length; k++) {
                    perAlt[k].add(s, 2, first, second, k + 1);
                }
                return at + 4;
            }
        }
        int columnEnd = at;
        int gtEnd = -1;
        while (columnEnd < end && line[columnEnd] != '\t') {
            if (gtEnd < 0 && line[columnEnd] == ':') {
                gtEnd = columnEnd;
            }
            columnEnd++;
        }
        if (gtEnd < 0) {
            gtEnd = columnEnd;
        }
        if (gtEnd == at) {
            throw new MalformedRecord("empty genotype in sample column " + (s + 1));
        }
        int ploidy = 0;
        int first = -1;
        int second = -1;
        int i = at;
        while (i < gtEnd) {
            if (ploidy == 2) {
                throw new MalformedRecord("genotype '" + text(line, at, gtEnd) + "' in sample column " + (s + 1)
                        + " has more than 2 alleles: only haploid and diploid calls are supported");
            }
            byte c = line[i];
            int allele;
            if (c == '.') {
                allele = -1;
                i++;
            } else if (c >= '0' && c <= '9') {
                allele = 0;
                while (i < gtEnd && line[i] >= '0' && line[i] <= '9') {
                    allele = allele * 10 + (line[i] - '0');
                    if (allele > altCount) {
                        throw new MalformedRecord("genotype '" + text(line, at, gtEnd) + "' in sample column " + (s + 1)
                                + " names allele " + digits(line, i, gtEnd, allele) + " but the site has " + altCount
                                + " ALT allele(s)");
                    }
                    i++;
                }
            } else {
                throw new MalformedRecord("bad genotype '" + text(line, at, gtEnd) + "' in sample column " + (s + 1));
            }
            if (ploidy == 0) {
                first = allele;
            } else {
                second = allele;
            }
            ploidy++;
            if (i < gtEnd) {
                byte separator = line[i];
                if ((separator != '/' && separator != '|') || i + 1 == gtEnd) {
                    throw new MalformedRecord("bad genotype '" + text(line, at, gtEnd) + "' in sample column " + (s + 1));
                }
                i++;
            }
        }
        for (int k = 0; k < perAlt.length; k++) {
            perAlt[k].add(s, ploidy, first, second, k + 1);
        }
        return columnEnd + 1;
    }

    /** The whole allele number whose digits run through {@code i} (for the message only). */
    private static String digits(byte[] line, int i, int gtEnd, int soFar) {
        long allele = soFar;
        for (int j = i + 1; j < gtEnd && line[j] >= '0' && line[j] <= '9' && allele < Integer.MAX_VALUE; j++) {
            allele = allele * 10 + (line[j] - '0');
        }
        return Long.toString(allele);
    }

    private long position(byte[] line) {
        int from = columnStart[1];
        int to = columnStart[2] - 1;
        if (from == to || to - from > 18) {
            throw new MalformedRecord("POS '" + column(line, 1) + "' is not a number");
        }
        long pos = 0;
        for (int i = from; i < to; i++) {
            byte c = line[i];
            if (c < '0' || c > '9') {
                throw new MalformedRecord("POS '" + column(line, 1) + "' is not a number");
            }
            pos = pos * 10 + (c - '0');
        }
        return pos;
    }

    private boolean formatStartsWithGt(byte[] line) {
        int from = columnStart[8];
        int to = columnStart[9] - 1;
        return to - from >= 2 && line[from] == 'G' && line[from + 1] == 'T' && (to - from == 2 || line[from + 2] == ':');
    }

    private String column(byte[] line, int column) {
        return text(line, columnStart[column], columnStart[column + 1] - 1);
    }

    private static String text(byte[] line, int from, int to) {
        return new String(line, from, to - from, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] line, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (line[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** A rule broken by one record; the reader adds file and line. */
    static final class MalformedRecord extends RuntimeException {
        MalformedRecord(String message) {
            super(message, null, false, false);
        }
    }
}
