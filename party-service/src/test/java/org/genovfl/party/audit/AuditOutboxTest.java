package org.genovfl.party.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventType;
import org.genovfl.db.PartyDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class AuditOutboxTest {

    @TempDir
    static Path directory;
    static PartyDatabase database;
    static JdbcClient jdbc;
    static TransactionTemplate transactions;

    @BeforeAll
    static void startDatabase() {
        database = PartyDatabase.embedded(directory.resolve("pg"), 0);
        database.migrate();
        jdbc = JdbcClient.create(database.dataSource());
        transactions = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
    }

    @AfterAll
    static void stopDatabase() {
        database.close();
    }

    @Test
    void numbersEventsPerProjectWithoutGapsAndCommitsWithTheStep() {
        AuditOutbox outbox = new AuditOutbox(jdbc, "St Ada University Hospital");
        UUID project = UUID.randomUUID();
        AuditEvent first = transactions.execute(s -> outbox.record(project, AuditEventType.PROJECT_CREATED,
                Map.of("spec", "b".repeat(64)), Map.of()));
        AuditEvent second = transactions.execute(s -> outbox.record(project, AuditEventType.PSI_COMPLETED,
                Map.of("cohort", "c".repeat(64)), Map.of("cohortSize", "284")));
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(second.sequence()).isEqualTo(2);

        // A step that fails rolls its event back with it: no gap, no orphan event.
        assertThatThrownBy(() -> transactions.executeWithoutResult(s -> {
            outbox.record(project, AuditEventType.KEY_SETUP, Map.of(), Map.of());
            throw new IllegalStateException("step failed");
        })).hasMessage("step failed");
        AuditEvent third = transactions.execute(s -> outbox.record(project, AuditEventType.KEY_SETUP, Map.of(), Map.of()));
        assertThat(third.sequence()).isEqualTo(3);

        String payload = jdbc.sql("SELECT payload::text FROM audit_outbox WHERE event_id = ?")
                .param(second.eventId()).query(String.class).single();
        assertThat(payload).contains("\"cohortSize\": \"284\"").doesNotContain("Jane");
    }

    @Test
    void refusesArtifactsThatAreNotHashes() {
        AuditOutbox outbox = new AuditOutbox(jdbc, "Helix Sequencing Lab");
        assertThatThrownBy(() -> transactions.execute(s -> outbox.record(UUID.randomUUID(), AuditEventType.PSI_COMPLETED,
                Map.of("cohort", "not a hash"), Map.of()))).isInstanceOf(IllegalArgumentException.class);
    }
}
