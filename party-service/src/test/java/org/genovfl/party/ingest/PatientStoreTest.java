package org.genovfl.party.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.transaction.support.TransactionTemplate;

class PatientStoreTest {

    @TempDir
    static Path directory;
    static IngestDatabase db;

    @BeforeAll
    static void start() {
        db = new IngestDatabase(directory);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void bulkLinkageReusesKnownPatientsAndMergesEqualIdentifiers() {
        long known = new TransactionTemplate(db.transactions).execute(s ->
                db.patients.findOrCreateByLinkage("BIOBANK_SAMPLE_ID", "bb-7", "HOSPITAL"));
        List<Long> ids = new TransactionTemplate(db.transactions).execute(s -> db.patients.findOrCreateAllByLinkage(
                List.of("BIOBANK_SAMPLE_ID", "BIOBANK_SAMPLE_ID", "BIOBANK_SAMPLE_ID", "NATIONAL_ID"),
                List.of("BB-1", " bb-7 ", "bb-1", "756.1234.5678.97"), "LAB"));
        assertThat(ids.get(1)).isEqualTo(known);
        assertThat(ids.get(0)).isEqualTo(ids.get(2)).isNotEqualTo(known);
        assertThat(ids.get(3)).isNotIn(ids.get(0), known);
        assertThat(db.count("patient")).isEqualTo(3);
        assertThat(db.jdbc.sql("SELECT normalised_value FROM linkage_identifier WHERE id_type = 'NATIONAL_ID'")
                .query(String.class).single()).isEqualTo("7561234567897");
        // The same call again creates nothing.
        List<Long> again = new TransactionTemplate(db.transactions).execute(s -> db.patients.findOrCreateAllByLinkage(
                List.of("BIOBANK_SAMPLE_ID", "NATIONAL_ID"), List.of("BB-1", "7561234567897"), "LAB"));
        assertThat(again).containsExactly(ids.get(0), ids.get(3));
        assertThat(db.count("patient")).isEqualTo(3);
    }
}
