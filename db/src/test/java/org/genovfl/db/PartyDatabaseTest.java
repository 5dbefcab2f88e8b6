package org.genovfl.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartyDatabaseTest {

    @TempDir
    Path dataRoot;

    @Test
    void migratesEmptyDatabaseAndSecondStartIsNoOp() throws Exception {
        Path dataDir = dataRoot.resolve("pg");
        try (PartyDatabase db = PartyDatabase.embedded(dataDir, 0)) {
            MigrateResult first = db.migrate();
            assertThat(first.success).isTrue();
            assertThat(first.migrationsExecuted).isGreaterThanOrEqualTo(1);
            assertThat(tables(db)).contains(
                    "party", "project", "feature_spec", "patient", "linkage_identifier",
                    "consent_event", "clinical_observation", "genotype_variant",
                    "psi_run", "aligned_cohort", "training_run", "training_round",
                    "training_checkpoint", "model", "audit_outbox");
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO party (id, organisation_name, role) VALUES ('"
                        + UUID.randomUUID() + "', 'St Example Hospital', 'HOSPITAL')");
            }
        }
        // Restart on the same data directory: data kept, nothing left to migrate.
        try (PartyDatabase db = PartyDatabase.embedded(dataDir, 0)) {
            MigrateResult second = db.migrate();
            assertThat(second.success).isTrue();
            assertThat(second.migrationsExecuted).isZero();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT organisation_name FROM party")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("St Example Hospital");
            }
        }
    }

    @Test
    void currentConsentIsTheLatestEvent() throws Exception {
        try (PartyDatabase db = PartyDatabase.embedded(dataRoot.resolve("pg2"), 0)) {
            db.migrate();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO patient (local_id) VALUES ('p-1')");
                s.executeUpdate("INSERT INTO consent_event (patient_id, status, recorded_at) "
                        + "SELECT id, 'GRANTED', now() - interval '1 day' FROM patient");
                s.executeUpdate("INSERT INTO consent_event (patient_id, status) SELECT id, 'WITHDRAWN' FROM patient");
                try (ResultSet rs = s.executeQuery("SELECT status FROM current_consent")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("WITHDRAWN");
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }

    private static List<String> tables(PartyDatabase db) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
