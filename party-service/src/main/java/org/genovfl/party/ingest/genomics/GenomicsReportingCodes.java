package org.genovfl.party.ingest.genomics;

import java.util.Map;
import java.util.Optional;

/**
 * Codes of the FHIR Genomics Reporting IG 3.0.0 variant and genotype profiles that GenoVFL
 * reads and writes, and the RefSeq accessions of the human chromosomes in GRCh37 and GRCh38.
 */
final class GenomicsReportingCodes {

    static final String LOINC = "http://loinc.org";
    static final String VARIANT_PROFILE = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant";
    static final String GENOTYPE_PROFILE = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/genotype";
    static final String REFSEQ = "http://www.ncbi.nlm.nih.gov/refseq";
    static final String HGNC = "http://www.genenames.org";
    static final String DBSNP = "http://www.ncbi.nlm.nih.gov/snp";

    /** Observation.code of a variant: "Genetic variant assessment". */
    static final String VARIANT_ASSESSMENT = "69548-6";
    /** Observation.code of a genotype: "Genotype display name". */
    static final String GENOTYPE_DISPLAY = "84413-4";
    static final String PRESENT = "LA9633-4";
    static final String ABSENT = "LA9634-2";

    static final String GENOMIC_REF_SEQ = "48013-7";
    static final String COORDINATE_SYSTEM = "92822-6";
    static final String ZERO_BASED_INTERVAL = "LA30100-4";
    static final String ONE_BASED_CHARACTER = "LA30102-0";
    static final String EXACT_START_END = "81254-5";
    static final String REF_ALLELE = "69547-8";
    static final String ALT_ALLELE = "69551-0";
    static final String ALLELIC_STATE = "53034-5";
    static final String HETEROZYGOUS = "LA6706-1";
    static final String HOMOZYGOUS = "LA6705-3";
    static final String HEMIZYGOUS = "LA6707-9";
    static final String GENE_STUDIED = "48018-6";
    static final String DISCRETE_VARIANT = "81252-9";
    static final String GENOMIC_HGVS = "81290-9";
    static final String HGVS = "http://varnomen.hgvs.org";
    static final String GENOMIC_SOURCE_CLASS = "48002-0";
    static final String SOMATIC = "LA6684-0";

    private static final String[] GRCH37 = {"10", "11", "11", "11", "9", "11", "13", "10", "11", "10", "9", "11", "10",
        "8", "9", "9", "10", "9", "9", "10", "8", "10", "10", "9"};
    private static final String[] GRCH38 = {"11", "12", "12", "12", "10", "12", "14", "11", "12", "11", "10", "12", "11",
        "9", "10", "10", "11", "10", "10", "11", "9", "11", "11", "10"};

    private GenomicsReportingCodes() {
    }

    /** Chromosome name (1..22, X, Y) of a RefSeq chromosome accession such as NC_000020.10. */
    static Optional<String> chromosomeOf(String accession) {
        if (accession == null || !accession.matches("NC_0000(0[1-9]|1[0-9]|2[0-4])\\.\\d+")) {
            return Optional.empty();
        }
        int number = Integer.parseInt(accession.substring(7, 9));
        return Optional.of(number == 23 ? "X" : number == 24 ? "Y" : Integer.toString(number));
    }

    /** GRCh37 or GRCh38 from the accession version, if it is one of theirs. */
    static Optional<String> assemblyOf(String accession) {
        Optional<String> chromosome = chromosomeOf(accession);
        if (chromosome.isEmpty()) {
            return Optional.empty();
        }
        int index = Integer.parseInt(accession.substring(7, 9)) - 1;
        String version = accession.substring(accession.indexOf('.') + 1);
        if (GRCH37[index].equals(version)) {
            return Optional.of("GRCh37");
        }
        return GRCH38[index].equals(version) ? Optional.of("GRCh38") : Optional.empty();
    }

    /** The RefSeq accession of a chromosome (1..22, X, Y, optionally "chr"-prefixed) in an assembly. */
    static Optional<String> accessionOf(String chromosome, String assembly) {
        String[] versions = Map.of("GRCh37", GRCH37, "GRCh38", GRCH38).get(assembly);
        if (versions == null || chromosome == null) {
            return Optional.empty();
        }
        String name = chromosome.startsWith("chr") ? chromosome.substring(3) : chromosome;
        int number = switch (name) {
            case "X" -> 23;
            case "Y" -> 24;
            default -> name.matches("[1-9]|1[0-9]|2[0-2]") ? Integer.parseInt(name) : -1;
        };
        return number < 0 ? Optional.empty() : Optional.of(String.format("NC_%06d.%s", number, versions[number - 1]));
    }
}
