package org.genovfl.party.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.genovfl.party.ingest.IngestDatabase;
import org.genovfl.party.ingest.TestData;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FhirBundleImporterTest {

    static final String SYNTHEA = "synthea-3.3.0-p10-seed42";
    static final List<String> CLINICAL_TABLES = List.of("patient", "linkage_identifier", "consent_event",
            "clinical_observation", "clinical_condition");

    @TempDir
    static Path directory;
    static IngestDatabase db;
    static FhirBundleImporter importer;

    @BeforeAll
    static void start() {
        db = new IngestDatabase(directory);
        importer = new FhirBundleImporter(FhirContext.forR4Cached(), db.transactions, db.dataSource, db.patients);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void syntheaBundlesImportWithPatientsObservationsAndConditions() throws Exception {
        List<Path> bundles;
        try (Stream<Path> files = Files.list(TestData.file(SYNTHEA))) {
            bundles = files.sorted().toList();
        }
        assertThat(bundles).hasSizeGreaterThanOrEqualTo(10);
        long patientsBefore = db.count("patient");
        int patients = 0;
        int loincValues = 0;
        int codedConditions = 0;
        for (Path bundle : bundles) {
            ClinicalImport imported = importer.importFile(bundle);
            patients += imported.patients();
            loincValues += imported.observations();
            codedConditions += imported.conditions();
            assertThat(imported.skipped()).containsKey("Encounter");
        }
        assertThat(patients).isEqualTo(bundles.size());
        assertThat(db.count("patient") - patientsBefore).isEqualTo(bundles.size());
        assertThat(db.jdbc.sql("SELECT count(*) FROM linkage_identifier WHERE id_type = 'NATIONAL_ID'").query(Long.class).single())
                .as("Synthea's SSN identifiers become NATIONAL_ID linkage identifiers").isEqualTo(bundles.size());
        assertThat(loincValues).isGreaterThan(1000);
        assertThat(codedConditions).isGreaterThan(50);
        // Body height (LOINC 8302-2) is stored with its UCUM unit.
        assertThat(db.jdbc.sql("SELECT DISTINCT unit FROM clinical_observation WHERE code = '8302-2'").query(String.class).list())
                .containsExactly("cm");

        // Importing the same bundle again replaces its resources instead of duplicating them.
        long observations = db.count("clinical_observation");
        long conditions = db.count("clinical_condition");
        importer.importFile(bundles.get(0));
        assertThat(db.count("clinical_observation")).isEqualTo(observations);
        assertThat(db.count("clinical_condition")).isEqualTo(conditions);
        assertThat(db.count("patient") - patientsBefore).isEqualTo(bundles.size());
    }

    @Test
    void bundleWithInvalidResourcesImportsNothingAndListsEveryProblem() throws Exception {
        List<Long> before = CLINICAL_TABLES.stream().map(db::count).toList();
        String bundle = """
                {"resourceType": "Bundle", "type": "transaction", "entry": [
                  {"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "invalid-bundle-p1",
                    "identifier": [{"system": "https://genovfl.org/fhir/NamingSystem/biobank-sample-id", "value": "BB-1"}]},
                   "request": {"method": "POST", "url": "Patient"}},
                  {"fullUrl": "urn:uuid:o1", "resource": {"resourceType": "Observation", "id": "o1", "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]},
                    "subject": {"reference": "urn:uuid:p1"},
                    "valueQuantity": {"value": 5.4, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"}},
                   "request": {"method": "POST", "url": "Observation"}},
                  {"fullUrl": "urn:uuid:o2", "resource": {"resourceType": "Observation", "id": "o2", "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]},
                    "subject": {"reference": "urn:uuid:p1"},
                    "valueQuantity": {"value": "high", "unit": "mmol/L"}},
                   "request": {"method": "POST", "url": "Observation"}},
                  {"fullUrl": "urn:uuid:o3", "resource": {"resourceType": "Observation", "id": "o3", "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]},
                    "subject": {"reference": "urn:uuid:p1"},
                    "valueQuantity": {"value": 170}},
                   "request": {"method": "POST", "url": "Observation"}},
                  {"fullUrl": "urn:uuid:c1", "resource": {"resourceType": "Condition", "id": "c1",
                    "code": {"text": "breast cancer"}, "subject": {"reference": "urn:uuid:p1"}},
                   "request": {"method": "POST", "url": "Condition"}},
                  {"fullUrl": "urn:uuid:c2", "resource": {"resourceType": "Condition", "id": "c2",
                    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "254837009"}]},
                    "subject": {"reference": "Patient/nobody"}},
                   "request": {"method": "POST", "url": "Condition"}}
                ]}
                """;
        assertThatThrownBy(() -> importer.importJson(bundle)).isInstanceOfSatisfying(FhirImportException.class, e -> {
            assertThat(e.locations()).containsExactly(
                    "Bundle.entry[2].resource.valueQuantity",
                    "Bundle.entry[3].resource.valueQuantity",
                    "Bundle.entry[4].resource.code",
                    "Bundle.entry[5].resource.subject.reference");
            assertThat(e.outcome().getIssue()).allSatisfy(issue -> {
                assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
                assertThat(issue.getDiagnostics()).isNotBlank();
            });
            String serialised = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(e.outcome());
            assertThat(serialised).contains("\"resourceType\":\"OperationOutcome\"", "Bundle.entry[3].resource.valueQuantity");
        });
        assertThat(CLINICAL_TABLES.stream().map(db::count).toList()).isEqualTo(before);
    }

    @Test
    void consentComesFromTheExtensionOrAConsentResourceAndLinkageFromTheBiobankIdentifier() throws Exception {
        String bundle = """
                {"resourceType": "Bundle", "type": "collection", "entry": [
                  {"fullUrl": "urn:uuid:a", "resource": {"resourceType": "Patient", "id": "consent-a",
                    "extension": [{"url": "https://genovfl.org/fhir/StructureDefinition/research-consent", "valueCode": "granted"}],
                    "identifier": [{"system": "https://genovfl.org/fhir/NamingSystem/biobank-sample-id", "value": " bb-0042 "}]}},
                  {"fullUrl": "urn:uuid:b", "resource": {"resourceType": "Patient", "id": "consent-b"}},
                  {"resource": {"resourceType": "Consent", "id": "consent-of-b", "status": "rejected",
                    "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "research"}]},
                    "category": [{"coding": [{"system": "http://loinc.org", "code": "57016-8"}]}],
                    "patient": {"reference": "urn:uuid:b"}, "dateTime": "2025-03-01T10:00:00Z"}}
                ]}
                """;
        ClinicalImport imported = importer.importJson(bundle);
        assertThat(imported.patients()).isEqualTo(2);
        assertThat(imported.consentEvents()).isEqualTo(2);
        assertThat(db.jdbc.sql("""
                SELECT p.local_id || ':' || c.status FROM current_consent c JOIN patient p ON p.id = c.patient_id
                 WHERE p.local_id LIKE 'consent-%' ORDER BY p.local_id""").query(String.class).list())
                .containsExactly("consent-a:GRANTED", "consent-b:WITHDRAWN");
        assertThat(db.jdbc.sql("""
                SELECT normalised_value FROM linkage_identifier l JOIN patient p ON p.id = l.patient_id
                 WHERE p.local_id = 'consent-a' AND id_type = 'BIOBANK_SAMPLE_ID'""").query(String.class).single())
                .isEqualTo("BB-0042");
    }

    @Test
    void notABundleIsRefusedWithAnOutcome() {
        assertThatThrownBy(() -> importer.importJson("{\"resourceType\": \"Patient\"}"))
                .isInstanceOfSatisfying(FhirImportException.class, e -> assertThat(e.locations()).containsExactly("Bundle.resourceType"));
        assertThatThrownBy(() -> importer.importJson("{not json"))
                .isInstanceOfSatisfying(FhirImportException.class, e -> assertThat(e.outcome().getIssueFirstRep().getDiagnostics())
                        .startsWith("not valid JSON (line 1, column"));
    }

    @Test
    void twoPatientsWithTheSameIdAreRefusedAndNothingIsStored() {
        List<Long> before = CLINICAL_TABLES.stream().map(db::count).toList();
        String bundle = """
                {"resourceType": "Bundle", "type": "collection", "entry": [
                  {"resource": {"resourceType": "Patient", "id": "twice",
                    "identifier": [{"system": "https://genovfl.org/fhir/NamingSystem/biobank-sample-id", "value": "BB-TWICE-1"}]}},
                  {"resource": {"resourceType": "Patient", "id": "twice",
                    "identifier": [{"system": "https://genovfl.org/fhir/NamingSystem/biobank-sample-id", "value": "BB-TWICE-2"}]}}
                ]}""";
        assertThatThrownBy(() -> importer.importJson(bundle)).isInstanceOfSatisfying(FhirImportException.class, e -> {
            assertThat(e.locations()).containsExactly("Bundle.entry[1].resource.id");
            assertThat(e.outcome().getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.DUPLICATE);
        });
        assertThat(CLINICAL_TABLES.stream().map(db::count).toList()).isEqualTo(before);
    }

    /** Problems name the element and its position; the values (a name, a birth date, an id) never appear. */
    @Test
    void problemsNameTheFieldAndPositionButNeverTheValue() {
        String bundle = """
                {"resourceType": "Bundle", "type": "collection", "entry": [
                  {"resource": {"resourceType": "Patient", "id": "marker-patient-7731",
                    "name": [{"family": "Quaxelbrook", "given": ["Zephyrine"]}], "birthDate": "1931-02-3x",
                    "extension": [{"url": "https://genovfl.org/fhir/StructureDefinition/research-consent", "valueCode": "Quaxelbrook-consent"}]}},
                  {"resource": {"resourceType": "Observation", "id": "marker-obs", "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "39156-5"}]},
                    "subject": {"reference": "Patient/marker-absent-4471"}, "valueQuantity": {"value": 1, "unit": "kg/m2",
                    "system": "urn:Quaxelbrook"}}}
                ]}""";
        assertThatThrownBy(() -> importer.importJson(bundle)).isInstanceOfSatisfying(FhirImportException.class, e -> {
            assertThat(e.locations()).contains("Bundle.entry[0].resource.birthDate", "Bundle.entry[1].resource.subject.reference");
            String serialised = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(e.outcome());
            for (String marker : List.of("Quaxelbrook", "Zephyrine", "1931-02-3x", "marker-patient-7731", "marker-absent-4471")) {
                assertThat(serialised).as("outcome vs %s", marker).doesNotContain(marker);
                assertThat(e.getMessage()).as("message vs %s", marker).doesNotContain(marker);
            }
        });
    }

    @Test
    void aBundleWithMoreEntriesThanTheLimitIsRefusedBeforeParsingThem() {
        var limits = org.genovfl.party.config.UploadLimits.defaults();
        FhirBundleImporter capped = new FhirBundleImporter(FhirContext.forR4Cached(), db.transactions, db.dataSource, db.patients,
                new org.genovfl.party.config.UploadLimits(limits.maxRequestSize(), limits.maxDocumentSize(), 2,
                        limits.maxVcfLineSize(), limits.maxVcfSamples(), limits.maxVcfDecompressedSize()));
        String entry = "{\"resource\": {\"resourceType\": \"Basic\", \"id\": \"b%d\"}}";
        String bundle = "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": ["
                + String.join(",", entry.formatted(1), entry.formatted(2), entry.formatted(3)) + "]}";
        assertThatThrownBy(() -> capped.importJson(bundle)).isInstanceOfSatisfying(FhirImportException.class, e -> {
            assertThat(e.locations()).containsExactly("Bundle.entry");
            assertThat(e.outcome().getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
        });
    }

    static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }
}
