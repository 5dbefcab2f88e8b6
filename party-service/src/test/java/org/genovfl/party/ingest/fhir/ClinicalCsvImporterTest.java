package org.genovfl.party.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.StringReader;
import java.nio.file.Path;
import org.genovfl.party.ingest.IngestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClinicalCsvImporterTest {

    @TempDir
    static Path directory;
    static IngestDatabase db;
    static ClinicalCsvImporter importer;

    @BeforeAll
    static void start() {
        db = new IngestDatabase(directory);
        importer = new ClinicalCsvImporter(db.dataSource, db.transactions);
        new FhirBundleImporter(FhirContext.forR4Cached(), db.transactions, db.dataSource, db.patients).importJson("""
                {"resourceType": "Bundle", "type": "collection", "entry": [
                  {"resource": {"resourceType": "Patient", "id": "csv-1", "name": [{"family": "Müller", "given": ["Anna"]}],
                    "birthDate": "1970-01-31"}}]}""");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void importsObservationsAndConditionsAndReplacesThemOnReimport() {
        String csv = ClinicalCsvImporter.HEADER + """

                csv-1,observation,https://genovfl.org/CodeSystem/wdbc,mean-radius,17.99,mm,2024-06-01
                csv-1,observation,http://loinc.org,39156-5,24.1,kg/m2,2024-06-01T10:00:00Z
                csv-1,condition,http://snomed.info/sct,254837009,,,2023-01-10
                """;
        assertThat(importer.importCsv(new StringReader(csv), "export.csv")).isEqualTo(new ClinicalCsvImporter.CsvImport(2, 1));
        importer.importCsv(new StringReader(csv), "export.csv");
        assertThat(db.count("clinical_observation")).isEqualTo(2);
        assertThat(db.count("clinical_condition")).isEqualTo(1);
        // The name-and-birth-date identifier is stored in psi-matching's normal form.
        assertThat(db.jdbc.sql("SELECT normalised_value FROM linkage_identifier WHERE id_type = 'NAME_AND_BIRTH_DATE'")
                .query(String.class).single()).isEqualTo("anna muller|1970-01-31");
    }

    @Test
    void refusesTheWholeFileListingEveryProblemWithItsLine() {
        long before = db.count("clinical_observation");
        String csv = ClinicalCsvImporter.HEADER + """

                csv-1,observation,http://loinc.org,39156-5,25.0,kg/m2,2024-07-01
                csv-1,observation,http://loinc.org,39156-5,high,kg/m2,2024-07-01
                nobody,observation,http://loinc.org,39156-5,22,kg/m2,
                csv-1,condition,http://example.org/local,X1,,,
                csv-1,observation,http://loinc.org,39156-5,22,kg/m2,yesterday
                """;
        assertThatThrownBy(() -> importer.importCsv(new StringReader(csv), "broken.csv"))
                .isInstanceOfSatisfying(ClinicalCsvImporter.CsvImportException.class, e -> assertThat(e.problems()).containsExactly(
                        "line 3: value (column 5) is not a number",
                        "line 4: patient_id names no Patient imported before",
                        "line 5: a condition needs a SNOMED CT or ICD-10 system (column 3)",
                        "line 6: effective_at (column 7) is not an ISO date or date-time"));
        assertThat(db.count("clinical_observation")).isEqualTo(before);
    }
}
