package org.genovfl.audit.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.AuditRefusal;
import org.genovfl.audit.AuditRefusedException;
import org.genovfl.audit.embedded.ChainVerification.Tampering;
import org.genovfl.db.PartyDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded ledger on a real PostgreSQL, and the tampering its verification must name. */
class EmbeddedAuditLedgerTest {

    static final String HOSPITAL = "St Ada University Hospital";

    @TempDir
    static Path directory;
    static PartyDatabase database;
    static LedgerSigner signer;
    EmbeddedAuditLedger ledger;
    UUID project;

    @BeforeAll
    static void startDatabase() {
        database = PartyDatabase.embedded(directory.resolve("pg"), 0);
        database.migrate();
        signer = TestSigners.party(HOSPITAL);
    }

    @AfterAll
    static void stopDatabase() {
        database.close();
    }

    @BeforeEach
    void emptyLedger() throws Exception {
        sql("DELETE FROM audit_ledger_entry");
        ledger = EmbeddedAuditLedger.create(database.dataSource(), signer);
        project = UUID.randomUUID();
    }

    private AuditEvent event(long sequence, AuditEventType type, String artifact) {
        return new AuditEvent(UUID.randomUUID(), project, sequence, type, HOSPITAL,
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                new TreeMap<>(artifact == null ? Map.of() : Map.of("artifact", artifact)),
                new TreeMap<>(Map.of("step", String.valueOf(sequence))));
    }

    private List<AuditEvent> appendFive() {
        List<AuditEvent> events = List.of(
                event(1, AuditEventType.PROJECT_CREATED, "1".repeat(64)),
                event(2, AuditEventType.CONSENT_SNAPSHOT, "2".repeat(64)),
                event(3, AuditEventType.PSI_COMPLETED, "3".repeat(64)),
                event(4, AuditEventType.KEY_SETUP, null),
                event(5, AuditEventType.TRAINING_ROUND, "5".repeat(64)));
        ledger.appendAll(events.subList(0, 2));
        events.subList(2, 5).forEach(ledger::append);
        return events;
    }

    @Test
    void recordsEventsInOrderAndFindsThemByArtifact() {
        List<AuditEvent> events = appendFive();
        assertThat(ledger.byProject(project)).containsExactlyElementsOf(events);
        assertThat(ledger.byArtifactHash("3".repeat(64))).containsExactly(events.get(2));
        assertThat(ledger.byArtifactHash("9".repeat(64))).isEmpty();
        ChainVerification check = ledger.verify();
        assertThat(check.intact()).isTrue();
        assertThat(check.entriesChecked()).isEqualTo(5);
    }

    @Test
    void sameEventTwiceIsOneRecord() {
        AuditEvent first = event(1, AuditEventType.PROJECT_CREATED, "1".repeat(64));
        ledger.append(first);
        ledger.append(first);
        ledger.appendAll(List.of(first, first));
        assertThat(ledger.byProject(project)).containsExactly(first);
    }

    @Test
    void refusesSequenceGapsReusedSequencesAndConflictingIds() {
        AuditEvent first = event(1, AuditEventType.PROJECT_CREATED, null);
        ledger.append(first);
        assertThatThrownBy(() -> ledger.append(event(3, AuditEventType.KEY_SETUP, null)))
                .isInstanceOfSatisfying(AuditRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(AuditRefusal.SEQUENCE_GAP));
        assertThatThrownBy(() -> ledger.append(event(1, AuditEventType.KEY_SETUP, null)))
                .isInstanceOfSatisfying(AuditRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(AuditRefusal.SEQUENCE_TAKEN));
        AuditEvent sameIdOtherContent = new AuditEvent(first.eventId(), project, 2, AuditEventType.KEY_SETUP,
                HOSPITAL, first.occurredAt(), null, null);
        assertThatThrownBy(() -> ledger.append(sameIdOtherContent))
                .isInstanceOfSatisfying(AuditRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(AuditRefusal.EVENT_ID_CONFLICT));
        assertThat(ledger.byProject(project)).containsExactly(first);
    }

    @Test
    void batchKeepsEventsBeforeARefusedOneAndNamesIt() {
        AuditEvent first = event(1, AuditEventType.PROJECT_CREATED, null);
        AuditEvent gap = event(3, AuditEventType.KEY_SETUP, null);
        assertThatThrownBy(() -> ledger.appendAll(List.of(first, gap)))
                .isInstanceOfSatisfying(AuditRefusedException.class,
                        e -> assertThat(e.eventId()).isEqualTo(gap.eventId()));
        assertThat(ledger.byProject(project)).containsExactly(first);
    }

    @Test
    void detectsAnEditedEntry() throws Exception {
        List<AuditEvent> events = appendFive();
        sql("UPDATE audit_ledger_entry SET payload = replace(payload, '\"step\":\"3\"', '\"step\":\"7\"') WHERE position = 3");
        assertTampered(3, events.get(2), Tampering.EDITED);
    }

    @Test
    void detectsAnEditedEntryWhoseHashWasRecomputed() throws Exception {
        List<AuditEvent> events = appendFive();
        String forged = EmbeddedAuditLedger.entryHash("0".repeat(64), 1, "{}");
        sql("UPDATE audit_ledger_entry SET payload = '{}', entry_hash = '" + forged + "' WHERE position = 1");
        // The next entry still links to the original hash, but the forged entry fails first: its signature.
        assertTampered(1, events.get(0), Tampering.EDITED);
    }

    @Test
    void detectsADeletedEntry() throws Exception {
        List<AuditEvent> events = appendFive();
        sql("DELETE FROM audit_ledger_entry WHERE position = 2");
        assertTampered(2, events.get(2), Tampering.DELETED);
    }

    @Test
    void detectsADeletedEntryWhenTheRestWasRenumbered() throws Exception {
        List<AuditEvent> events = appendFive();
        sql("DELETE FROM audit_ledger_entry WHERE position = 2");
        sql("UPDATE audit_ledger_entry SET position = position + 1000 WHERE position > 2");
        sql("UPDATE audit_ledger_entry SET position = position - 1001 WHERE position > 1000");
        assertTampered(2, events.get(2), Tampering.DELETED);
    }

    @Test
    void detectsReorderedEntries() throws Exception {
        List<AuditEvent> events = appendFive();
        sql("UPDATE audit_ledger_entry SET position = 1003 WHERE position = 3");
        sql("UPDATE audit_ledger_entry SET position = 3 WHERE position = 4");
        sql("UPDATE audit_ledger_entry SET position = 4 WHERE position = 1003");
        assertTampered(3, events.get(3), Tampering.REORDERED);
    }

    @Test
    void refusesEntriesSignedByAnotherKey() throws Exception {
        appendFive();
        EmbeddedAuditLedger otherParty = EmbeddedAuditLedger.create(database.dataSource(), TestSigners.party(HOSPITAL));
        ChainVerification check = otherParty.verify();
        assertThat(check.firstTampered()).hasValueSatisfying(t -> {
            assertThat(t.position()).isEqualTo(1);
            assertThat(t.detail()).contains("untrusted certificate");
        });
    }

    private void assertTampered(long position, AuditEvent event, Tampering how) {
        ChainVerification check = ledger.verify();
        assertThat(check.intact()).isFalse();
        assertThat(check.firstTampered()).hasValueSatisfying(t -> {
            assertThat(t.position()).as(t.toString()).isEqualTo(position);
            assertThat(t.eventId()).as(t.toString()).isEqualTo(event.eventId());
            assertThat(t.tampering()).as(t.toString()).isEqualTo(how);
        });
    }

    private static void sql(String statement) throws Exception {
        try (Connection connection = database.dataSource().getConnection(); Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }
}
