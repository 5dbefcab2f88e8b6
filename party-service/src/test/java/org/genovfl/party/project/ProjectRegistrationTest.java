package org.genovfl.party.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.IngestDatabase;
import org.genovfl.party.ingest.TestData;
import org.genovfl.party.ingest.fhir.FhirBundleImporter;
import org.genovfl.party.ingest.genomics.GenotypeStore;
import org.genovfl.party.ingest.vcf.SampleSheet;
import org.genovfl.party.ingest.vcf.VcfImporter;
import org.genovfl.party.project.ProjectSpec.ClinicalFeature;
import org.genovfl.party.project.ProjectSpec.GenomicFeature;
import org.genovfl.party.project.ProjectSpec.Label;
import org.genovfl.party.project.ProjectSpec.QualityFilters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A project registered at a hospital and at a lab, each with its own database holding real
 * imported data: counts only come back, feature rows are deterministic, consent is
 * snapshotted and audited, a changed specification under the same id is refused.
 */
class ProjectRegistrationTest {

    static final String HOSPITAL = StudyParties.HOSPITAL;
    static final String LAB = StudyParties.LAB;
    static final String COORDINATOR = StudyParties.COORDINATOR;

    @TempDir
    static Path directory;
    static IngestDatabase hospitalDb;
    static IngestDatabase labDb;
    static ProjectRegistration hospital;
    static ProjectRegistration lab;

    @BeforeAll
    static void start() {
        hospitalDb = new IngestDatabase(directory.resolve("hospital"));
        labDb = new IngestDatabase(directory.resolve("lab"));
        StudyParties.registerIn(hospitalDb, labDb);
        hospital = StudyParties.registration(hospitalDb, HOSPITAL, PartyRole.HOSPITAL, directory);
        lab = StudyParties.registration(labDb, LAB, PartyRole.LAB, directory);

        new FhirBundleImporter(FhirContext.forR4Cached(), hospitalDb.transactions, hospitalDb.dataSource, hospitalDb.patients)
                .importJson(HOSPITAL_BUNDLE);
        new VcfImporter(labDb.transactions, new GenotypeStore(labDb.dataSource), labDb.patients, new org.genovfl.party.ingest.ImportProgress())
                .importFile(TestData.file("shapeit4-example/scaffold.vcf.gz"), "scaffold", SampleSheet.identity());
    }

    @AfterAll
    static void stop() {
        hospitalDb.close();
        labDb.close();
    }

    static ProjectSpec spec(String name) {
        return new ProjectSpec(name, "test", "BIOBANK_SAMPLE_ID", HOSPITAL, List.of(LAB),
                new Label("http://snomed.info/sct", "254837009"), true,
                List.of(new ClinicalFeature("http://loinc.org", "2339-0", "LATEST_BEFORE", LocalDate.parse("2025-01-01")),
                        new ClinicalFeature("http://loinc.org", "8302-2", "LATEST", null)),
                List.of(new GenomicFeature(null, "20:1000000-1500000", null), new GenomicFeature("rs6040355", null, null),
                        new GenomicFeature(null, null, "CYP2C19")),
                new QualityFilters(0.05, 0.95, 1e-6), null);
    }

    static <T> T inTransaction(IngestDatabase db, java.util.function.Supplier<T> step) {
        return new TransactionTemplate(db.transactions).execute(s -> step.get());
    }

    @Test
    void hospitalAnswersCountsAndAuditsTheConsentSnapshot() {
        UUID project = UUID.randomUUID();
        ValidationReport report = inTransaction(hospitalDb, () -> hospital.register(project, spec("hospital"), "coordinator", COORDINATOR));
        assertThat(report.patients()).isEqualTo(3);
        assertThat(report.consented()).isEqualTo(2);
        assertThat(report.withLabel()).isEqualTo(1); // h-3 has the label but withdrew consent
        assertThat(report.features()).extracting(ValidationReport.FeatureCount::matched).containsExactly(1L, 2L);
        assertThat(report.consentSnapshotSha256()).matches("[0-9a-f]{64}");
        assertThat(hospitalDb.jdbc.sql("SELECT code FROM feature_spec WHERE project_id = ? ORDER BY ordinal").param(project)
                .query(String.class).list()).containsExactly("2339-0", "8302-2");
        String event = hospitalDb.jdbc.sql("SELECT payload::text FROM audit_outbox WHERE project_id = ? AND event_type = 'CONSENT_SNAPSHOT'")
                .param(project).query(String.class).single();
        assertThat(event).contains(report.consentSnapshotSha256(), "\"consented\": \"2\"").doesNotContain("h-1", "BB-");
    }

    @Test
    void labExpandsGenomicFeaturesDeterministicallyAfterQualityFilters() {
        UUID project = UUID.randomUUID();
        ProjectSpec spec = spec("lab");
        ValidationReport first = inTransaction(labDb, () -> lab.register(project, spec, "coordinator", COORDINATOR));
        List<String> columns = labDb.jdbc.sql("SELECT code FROM feature_spec WHERE project_id = ? ORDER BY ordinal")
                .param(project).query(String.class).list();
        ValidationReport again = inTransaction(labDb, () -> lab.register(project, spec, "coordinator", COORDINATOR));
        assertThat(labDb.jdbc.sql("SELECT code FROM feature_spec WHERE project_id = ? ORDER BY ordinal")
                .param(project).query(String.class).list()).isEqualTo(columns);
        assertThat(again).isEqualTo(first);

        long passing = labDb.jdbc.sql("""
                SELECT count(*) FROM genotype_variant WHERE chrom = '20' AND pos BETWEEN 1000000 AND 1500000
                   AND least(alt_allele_freq, 1 - alt_allele_freq) >= 0.05 AND call_rate >= 0.95 AND hwe_p >= 1e-6""")
                .query(Long.class).single();
        assertThat(first.features().get(0).matched()).isEqualTo(passing).isGreaterThan(10);
        assertThat(columns).hasSizeGreaterThan(10).doesNotHaveDuplicates();
        // scaffold.vcf.gz has no INFO gene annotation: the gene feature cannot be resolved, and the answer says why.
        assertThat(first.problems()).anySatisfy(p -> assertThat(p).startsWith("gene CYP2C19: cannot be resolved for the "
                + labDb.count("genotype_variant") + " variant row(s) held here without a gene").contains("GENE=", "ANN=", "CSQ="));
        assertThat(first.features().get(2).matched()).isZero();
        assertThat(first.patients()).isEqualTo(203);
    }

    @Test
    void aDifferentSpecificationUnderTheSameIdAndABrokenOneAreRefused() {
        UUID project = UUID.randomUUID();
        inTransaction(labDb, () -> lab.register(project, spec("first"), "coordinator", COORDINATOR));
        assertThatThrownBy(() -> inTransaction(labDb, () -> lab.register(project, spec("second"), "coordinator", COORDINATOR)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another specification");

        ProjectSpec broken = new ProjectSpec("", null, "PASSPORT", HOSPITAL, List.of(), null, false,
                List.of(new ClinicalFeature(null, "2339-0", "LATEST_BEFORE", null)),
                List.of(new GenomicFeature("rs1", "1:1-2", null)), new QualityFilters(0.7, null, null), "Stranger");
        assertThat(broken.problems()).containsExactly("name: required",
                "linkageIdType: one of " + org.genovfl.party.ingest.LinkageIdentifiers.TYPES, "labs: at least one lab",
                "label.code: required (a Condition code)", "clinicalFeatures[0].before: required by LATEST_BEFORE",
                "genomicFeatures[0]: exactly one of rsId, region, gene",
                "inferenceRequester: the hospital or one of the labs (default: the hospital)",
                "qualityFilters.minMinorAlleleFrequency: 0..0.5");
        // Scores go to the hospital unless the project names another of its parties.
        assertThat(spec("default").inferenceRequester()).isEqualTo(HOSPITAL);
    }

    static final String HOSPITAL_BUNDLE = """
            {"resourceType": "Bundle", "type": "collection", "entry": [
              %s, %s, %s,
              {"resource": {"resourceType": "Observation", "id": "glucose-1", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]}, "subject": {"reference": "Patient/h-1"},
                "effectiveDateTime": "2024-06-01", "valueQuantity": {"value": 5.1, "unit": "mmol/L", "code": "mmol/L"}}},
              {"resource": {"resourceType": "Observation", "id": "glucose-2", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]}, "subject": {"reference": "Patient/h-2"},
                "effectiveDateTime": "2025-06-01", "valueQuantity": {"value": 6.3, "unit": "mmol/L", "code": "mmol/L"}}},
              {"resource": {"resourceType": "Observation", "id": "height-1", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]}, "subject": {"reference": "Patient/h-1"},
                "valueQuantity": {"value": 170, "unit": "cm", "code": "cm"}}},
              {"resource": {"resourceType": "Observation", "id": "height-2", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]}, "subject": {"reference": "Patient/h-2"},
                "valueQuantity": {"value": 181, "unit": "cm", "code": "cm"}}},
              {"resource": {"resourceType": "Condition", "id": "brca-2", "subject": {"reference": "Patient/h-2"},
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "254837009"}]}}},
              {"resource": {"resourceType": "Condition", "id": "brca-3", "subject": {"reference": "Patient/h-3"},
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "254837009"}]}}}
            ]}
            """.formatted(patient("h-1", "granted"), patient("h-2", "granted"), patient("h-3", "withdrawn"));

    static String patient(String id, String consent) {
        return """
                {"resource": {"resourceType": "Patient", "id": "%s",
                  "extension": [{"url": "https://genovfl.org/fhir/StructureDefinition/research-consent", "valueCode": "%s"}],
                  "identifier": [{"system": "https://genovfl.org/fhir/NamingSystem/biobank-sample-id", "value": "BB-%s"}]}}
                """.formatted(id, consent, id);
    }
}
