package org.genovfl.party.ingest.genomics;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.genovfl.party.ingest.IngestDatabase;
import org.genovfl.party.ingest.TestData;
import org.genovfl.party.ingest.genomics.GenomicsReportingImporter.Assessment;
import org.genovfl.party.ingest.genomics.GenomicsReportingImporter.GenomicsImport;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every variant and genotype Observation among the examples of the FHIR Genomics Reporting
 * IG 3.0.0 (npm hl7.fhir.uv.genomics-reporting@3.0.0) is either imported or refused with a
 * stated reason; what is imported exports back to the same variants.
 */
class GenomicsReportingTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();

    @TempDir
    static Path directory;
    static IngestDatabase db;
    static GenomicsReportingImporter importer;
    static GenomicsReportingExporter exporter;

    @BeforeAll
    static void start() {
        db = new IngestDatabase(directory);
        importer = new GenomicsReportingImporter(FHIR, db.transactions, new GenotypeStore(db.dataSource), db.patients);
        exporter = new GenomicsReportingExporter(db.dataSource);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    static List<Observation> igExampleObservations() throws Exception {
        try (Stream<Path> files = Files.list(TestData.file("genomics-reporting-3.0.0/example"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("Observation-")).sorted()
                    .map(f -> {
                        try {
                            return (Observation) FHIR.newJsonParser().parseResource(Files.readString(f));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
        }
    }

    @Test
    void everyIgVariantAndGenotypeExampleIsImportedOrRefusedWithAReason() throws Exception {
        GenomicsImport imported = importer.importObservations(igExampleObservations(), "IG 3.0.0 examples");
        Map<String, String> verdicts = new TreeMap<>();
        for (Assessment a : imported.assessments()) {
            verdicts.put(a.observationId(), a.imported() ? "imported" : a.reason());
        }
        assertThat(verdicts).isEqualTo(expectedVerdicts());
        assertThat(imported.dataset().samples()).isEqualTo(1);
        assertThat(imported.dataset().variants()).isEqualTo(1);
        // 0-based start 86852620 on NC_000001.10 is VCF position 86852621 on chromosome 1 (GRCh37), heterozygous.
        assertThat(db.jdbc.sql("""
                SELECT v.chrom || ':' || v.pos || v.ref || '>' || v.alt || ' ' || d.reference_assembly || ' ' || get_byte(v.dosages, 0) % 4
                  FROM genotype_variant v JOIN genotype_dataset d ON d.id = v.dataset_id WHERE d.id = ?""")
                .param(imported.dataset().datasetId()).query(String.class).single()).isEqualTo("1:86852621A>G GRCh37 1");
    }

    @Test
    void exportedVariantsOfAVcfPatientReimportToTheSameSitesAndDosages() throws Exception {
        Path vcf = directory.resolve("export.vcf");
        Files.writeString(vcf, """
                ##fileformat=VCFv4.2
                ##contig=<ID=20,assembly=b37,length=63025520>
                ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
                #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tEXP-1\tEXP-2\tEXP-3
                20\t1000\trs11\tA\tG\t.\tPASS\t.\tGT\t0/1\t1/1\t0/0
                20\t2000\trs12\tC\tT\t.\tPASS\t.\tGT\t0/0\t0/1\t./.
                20\t3000\t.\tGA\tG\t.\tPASS\t.\tGT\t1/1\t0/0\t0/1
                20\t4000\trs14\tT\tC\t.\tPASS\t.\tGT\t0|1\t1|0\t1|1
                """);
        new org.genovfl.party.ingest.vcf.VcfImporter(db.transactions, new GenotypeStore(db.dataSource), db.patients, new org.genovfl.party.ingest.ImportProgress())
                .importFile(vcf, "export test", org.genovfl.party.ingest.vcf.SampleSheet.identity());
        String patient = db.jdbc.sql("""
                SELECT p.local_id FROM patient p JOIN linkage_identifier l ON l.patient_id = p.id
                 WHERE l.id_type = 'BIOBANK_SAMPLE_ID' AND l.normalised_value = 'EXP-2'""").query(String.class).single();

        Bundle exported = exporter.exportPatient(patient);
        assertThat(exported.getEntry()).hasSize(3); // 20:1000 hom, 20:2000 het, 20:4000 het
        String json = FHIR.newJsonParser().encodeResourceToString(exported);
        GenomicsImport reimported = importer.importJson(json, "re-import");
        assertThat(reimported.assessments()).allSatisfy(a -> assertThat(a.imported()).as(a.reason()).isTrue());
        List<String> sites = db.jdbc.sql("""
                SELECT chrom || ':' || pos || ref || '>' || alt || ' ' || coalesce(variant_id, '.') || ' ' || get_byte(dosages, 0) % 4
                  FROM genotype_variant WHERE dataset_id = ? ORDER BY variant_index""")
                .param(reimported.dataset().datasetId()).query(String.class).list();
        assertThat(sites).containsExactly("20:1000A>G rs11 2", "20:2000C>T rs12 1", "20:4000T>C rs14 1");
    }

    static final String HAPLOTYPE_CALL = "genotype Observation: a haplotype or star-allele call, not site alleles; GenoVFL stores per-site dosages only";
    static final String SOMATIC = "somatic variant: a tumour's allele fraction, not a germline dosage";
    static final String WILD_TYPE = "reference and alternate alleles are equal (wild type): no alternate allele to count";
    static final String NO_CHROMOSOME = "no genomic reference sequence (48013-7): position cannot be placed on a chromosome";
    static final String STRUCTURAL = "no exact start-end (81254-5): structural or imprecise variant";
    static final String NO_ALLELIC_STATE = "no allelic state (53034-5): dosage unknown";
    static final String AMBIGUOUS_START = "no coordinate system (92822-6) stated nor implied by a genomic HGVS: start is ambiguous";
    static final String NO_PATIENT = "no Patient subject";
    static final String IMPORTED = "imported";

    static Map<String, String> expectedVerdicts() {
        Map<String, String> expected = new TreeMap<>();
        expect(expected, SOMATIC, "ATR-insertion-var", "EGFR-L858R-var", "ExampleSomaticCNV", "ExampleSomaticDEL", "ExampleSomaticINV", "MSH2-del-var", "NOTCH1-uncertain-var", "NTHL1-snv-var", "ROS1-Fusion-var", "SNVexample", "STAG2-insertion-var", "Variant-Somatic-Clinical-Trial", "VariantExample1", "ZFHX3-uncertain-var");
        expect(expected, STRUCTURAL, "ExampleGermlineCNV", "ExampleGermlineDEL", "ExampleGermlineINV");
        expect(expected, HAPLOTYPE_CALL, "Genotype-Clinical-Trial-Example-using-haplotypes", "GenotypeExample1", "GenotypeExamplePharmVar", "Pgx-geno-1001", "Pgx-geno-1002", "Pgx-geno-1003", "genotype-hla-a-glstring-r4");
        expect(expected, NO_CHROMOSOME, "ISCN-CMLExample", "ISCN-NormalExample", "MultipleRepeatExpansions", "Pgx-var-1015", "Pgx-var-1019", "RepeatExpansion");
        expect(expected, WILD_TYPE, "Pgx-var-1011", "Pgx-var-1012", "Pgx-var-1013", "Pgx-var-1014", "Pgx-var-1016", "Pgx-var-1017", "Pgx-var-1018", "Pgx-var-1020", "Pgx-var-1021");
        expect(expected, NO_ALLELIC_STATE, "VariantExample");
        expect(expected, AMBIGUOUS_START, "VariantExample2");
        expect(expected, NO_PATIENT, "obs1-interact-smn1-smn2", "obs2-interact-smn1-smn2");
        expect(expected, IMPORTED, "variant-with-molec-consequences");
        return expected;
    }

    private static void expect(Map<String, String> expected, String verdict, String... observationIds) {
        for (String id : observationIds) {
            expected.put(id, verdict);
        }
    }
}
