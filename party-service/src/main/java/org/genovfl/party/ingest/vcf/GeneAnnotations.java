package org.genovfl.party.ingest.vcf;

import htsjdk.variant.vcf.VCFHeader;
import htsjdk.variant.vcf.VCFInfoHeaderLine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The gene symbol of each ALT allele of a site, from the INFO annotations a VCF may carry.
 * Only keys the header declares are looked at, in this order, the first that names a gene
 * winning:
 * <ol>
 *   <li>{@code GENE=SYMBOL} (one per ALT when it lists as many values as there are ALTs);
 *   <li>SnpEff {@code ANN=} (field {@code Gene_Name}, the 4th unless the header's
 *       description names the fields);
 *   <li>Ensembl VEP {@code CSQ=} (field {@code SYMBOL}, found in the header's
 *       {@code Format: Allele|Consequence|...});
 *   <li>dbSNP {@code GENEINFO=SYMBOL:id|...} (the first symbol).
 * </ol>
 * From ANN and CSQ, which list one annotation per allele and transcript, an ALT takes the
 * first annotation naming that allele, else the first naming any gene (SnpEff and VEP list
 * the most severe first; VEP writes indel alleles without their shared first base). A VCF
 * declaring none of these keys has no genes: its variants cannot match a gene feature.
 */
final class GeneAnnotations {

    static final GeneAnnotations NONE = new GeneAnnotations(List.of());

    /** Longest gene symbol kept; longer values are not symbols (HGNC's longest is ~20). */
    private static final int MAX_SYMBOL_LENGTH = 64;

    private record Source(String key, int symbolField) {
        boolean delimited() {
            return symbolField >= 0;
        }
    }

    private final List<Source> sources;

    private GeneAnnotations(List<Source> sources) {
        this.sources = sources;
    }

    static GeneAnnotations of(VCFHeader header) {
        List<Source> sources = new ArrayList<>();
        if (header.getInfoHeaderLine("GENE") != null) {
            sources.add(new Source("GENE", -1));
        }
        VCFInfoHeaderLine ann = header.getInfoHeaderLine("ANN");
        if (ann != null) {
            sources.add(new Source("ANN", fieldIndex(ann.getDescription(), "Gene_Name", 3)));
        }
        VCFInfoHeaderLine csq = header.getInfoHeaderLine("CSQ");
        if (csq != null) {
            int symbol = fieldIndex(csq.getDescription(), "SYMBOL", -1);
            if (symbol >= 0) {
                sources.add(new Source("CSQ", symbol));
            }
        }
        if (header.getInfoHeaderLine("GENEINFO") != null) {
            sources.add(new Source("GENEINFO", -1));
        }
        return sources.isEmpty() ? NONE : new GeneAnnotations(List.copyOf(sources));
    }

    /** Whether the header declares any gene annotation. */
    boolean present() {
        return !sources.isEmpty();
    }

    /**
     * The gene of each ALT (null where none is named).
     *
     * @param valueOf the INFO value of a key, or null if the site lacks it
     */
    String[] genes(UnaryOperator<String> valueOf, String[] alts) {
        String[] genes = new String[alts.length];
        for (Source source : sources) {
            String value = valueOf.apply(source.key());
            if (value == null || value.isEmpty()) {
                continue;
            }
            for (int k = 0; k < alts.length; k++) {
                if (genes[k] == null) {
                    genes[k] = symbol(geneOf(source, value, alts, k));
                }
            }
        }
        return genes;
    }

    /** The value of {@code key} in an INFO column ({@code k=v;flag;k2=v2}), or null. */
    static String infoValue(String info, String key) {
        int at = 0;
        while (at <= info.length()) {
            int next = info.indexOf(';', at);
            int end = next < 0 ? info.length() : next;
            if (end - at > key.length() && info.startsWith(key, at) && info.charAt(at + key.length()) == '=') {
                return info.substring(at + key.length() + 1, end);
            }
            if (next < 0) {
                return null;
            }
            at = next + 1;
        }
        return null;
    }

    private static String geneOf(Source source, String value, String[] alts, int k) {
        switch (source.key()) {
            case "GENE": {
                String[] values = value.split(",");
                return values.length == alts.length ? values[k] : values[0];
            }
            case "GENEINFO": {
                int colon = value.indexOf(':');
                int bar = value.indexOf('|');
                int end = colon >= 0 ? colon : bar >= 0 ? bar : value.length();
                return value.substring(0, end);
            }
            default: {
                String anyGene = null;
                for (String annotation : value.split(",")) {
                    String[] fields = annotation.split("\\|", -1);
                    if (fields.length <= source.symbolField()) {
                        continue;
                    }
                    String gene = symbol(fields[source.symbolField()]);
                    if (gene == null) {
                        continue;
                    }
                    if (fields[0].equals(alts[k])) {
                        return gene;
                    }
                    if (anyGene == null) {
                        anyGene = gene;
                    }
                }
                return anyGene;
            }
        }
    }

    private static String symbol(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        return trimmed.isEmpty() || trimmed.equals(".") || trimmed.length() > MAX_SYMBOL_LENGTH ? null : trimmed;
    }

    /** Index of {@code field} in a header description listing fields separated by '|'. */
    private static int fieldIndex(String description, String field, int otherwise) {
        if (description == null) {
            return otherwise;
        }
        int colon = description.lastIndexOf(':');
        String list = (colon >= 0 ? description.substring(colon + 1) : description).replace("'", "").replace("\"", "");
        String[] fields = list.split("\\|");
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].trim().equals(field)) {
                return i;
            }
        }
        return otherwise;
    }
}
