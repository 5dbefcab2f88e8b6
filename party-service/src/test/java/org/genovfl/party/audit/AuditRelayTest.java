package org.genovfl.party.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.embedded.EmbeddedAuditLedger;
import org.genovfl.audit.embedded.LedgerSigner;
import org.genovfl.db.PartyDatabase;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay between a party's outbox and a ledger that lives in another PostgreSQL server,
 * which the test really stops and restarts, as a Fabric peer might go down.
 */
class AuditRelayTest {

    static final String LAB = "Helix Sequencing Lab";

    @TempDir
    static Path directory;
    static PartyDatabase party;
    static PartyDatabase ledgerDatabase;
    static int ledgerPort;
    static JdbcClient jdbc;
    static TransactionTemplate transactions;
    static EmbeddedAuditLedger ledger;

    @BeforeAll
    static void start() throws IOException {
        party = PartyDatabase.embedded(directory.resolve("party"), 0);
        party.migrate();
        jdbc = JdbcClient.create(party.dataSource());
        transactions = new TransactionTemplate(new DataSourceTransactionManager(party.dataSource()));
        try (ServerSocket socket = new ServerSocket(0)) {
            ledgerPort = socket.getLocalPort();
        }
        ledgerDatabase = PartyDatabase.embedded(directory.resolve("ledger"), ledgerPort);
        ledgerDatabase.migrate();
        DemoCertificateAuthority.IssuedIdentity identity = DemoCertificateAuthority.create("Test CA").issue(LAB);
        ledger = EmbeddedAuditLedger.create(ledgerDatabase.dataSource(),
                new LedgerSigner(identity.keyPair().getPrivate(), identity.certificate()));
    }

    @AfterAll
    static void stop() {
        party.close();
        ledgerDatabase.close();
    }

    @Test
    void stepsCompleteWhileTheLedgerIsDownAndEveryEventIsDeliveredOnceItReturns() {
        AuditOutbox outbox = new AuditOutbox(jdbc, LAB);
        // Batches of 4, so the backlog of 10 goes out in several calls; a 2 s backoff, so the
        // pass right after a failure reliably finds the relay still backing off.
        AuditRelay relay = new AuditRelay(jdbc, ledger,
                new AuditProperties.Relay(Duration.ofMillis(10), 4, Duration.ofSeconds(2), Duration.ofSeconds(2), 4));
        UUID project = UUID.randomUUID();
        List<AuditEvent> recorded = new ArrayList<>();

        recorded.addAll(steps(outbox, project, 3));
        assertThat(relay.relayPending()).isEqualTo(new AuditRelay.Pass(3, false));

        ledgerDatabase.close();
        recorded.addAll(steps(outbox, project, 10));
        AuditRelay.Pass whileDown = relay.relayPending();
        assertThat(whileDown.failed()).isTrue();
        assertThat(whileDown.delivered()).isZero();
        AuditRelay.Backlog backlog = relay.backlog();
        assertThat(backlog.pending()).isEqualTo(10);
        assertThat(backlog.lastError()).contains("unavailable");
        // Backing off: an immediate second pass does not even try.
        assertThat(relay.relayPending()).isEqualTo(new AuditRelay.Pass(0, false));

        ledgerDatabase = PartyDatabase.embedded(directory.resolve("ledger"), ledgerPort);
        int delivered = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (delivered < 10 && System.nanoTime() < deadline) {
            delivered += relay.relayPending().delivered();
            sleep(20);
        }
        assertThat(delivered).isEqualTo(10);
        assertThat(ledger.byProject(project)).containsExactlyElementsOf(recorded);
        assertThat(relay.backlog().pending()).isZero();
        assertThat(ledger.verify().intact()).isTrue();
    }

    @Test
    void anEventSentAgainAfterACrashIsRecordedOnce() {
        AuditOutbox outbox = new AuditOutbox(jdbc, LAB);
        AuditRelay relay = new AuditRelay(jdbc, ledger,
                new AuditProperties.Relay(Duration.ofMillis(10), 100, Duration.ofMillis(50), Duration.ofMillis(200), 4));
        relay.relayPending();
        UUID project = UUID.randomUUID();
        List<AuditEvent> recorded = steps(outbox, project, 2);
        // The relay appended but crashed before marking the events delivered.
        ledger.appendAll(recorded);
        assertThat(relay.relayPending().delivered()).isEqualTo(2);
        assertThat(ledger.byProject(project)).containsExactlyElementsOf(recorded);
        assertThat(relay.backlog().pending()).isZero();
    }

    @Test
    void anEventTheLedgerRefusesHoldsBackOnlyItsOwnProject() {
        AuditOutbox outbox = new AuditOutbox(jdbc, LAB);
        AuditRelay relay = new AuditRelay(jdbc, ledger,
                new AuditProperties.Relay(Duration.ofMillis(10), 100, Duration.ofMillis(50), Duration.ofSeconds(30), 4));
        relay.relayPending();
        UUID broken = UUID.randomUUID();
        UUID healthy = UUID.randomUUID();
        steps(outbox, broken, 1);
        // An event numbered 3 right after 1: the ledger refuses the gap for good.
        jdbc.sql("""
                INSERT INTO audit_outbox (event_id, project_id, acting_organisation, sequence, event_type, payload)
                SELECT CAST(:id AS uuid), project_id, acting_organisation, 3, event_type,
                       jsonb_set(jsonb_set(payload, '{sequence}', '3'), '{eventId}', to_jsonb(CAST(:id AS text)))
                  FROM audit_outbox WHERE project_id = :project""")
                .param("id", UUID.randomUUID().toString()).param("project", broken).update();
        List<AuditEvent> healthyEvents = steps(outbox, healthy, 3);

        AuditRelay.Pass pass = relay.relayPending();
        assertThat(pass.failed()).isFalse();
        assertThat(pass.delivered()).isEqualTo(4);
        assertThat(ledger.byProject(healthy)).containsExactlyElementsOf(healthyEvents);
        assertThat(ledger.byProject(broken)).hasSize(1);
        AuditRelay.Backlog backlog = relay.backlog();
        assertThat(backlog.pending()).isEqualTo(1);
        assertThat(backlog.lastError()).startsWith("SEQUENCE_GAP");
        // Held back, not retried on every pass.
        assertThat(relay.relayPending()).isEqualTo(new AuditRelay.Pass(0, false));
    }

    @Test
    void backoffDoublesUpToTheLimit() {
        AuditRelay relay = new AuditRelay(jdbc, ledger,
                new AuditProperties.Relay(Duration.ofMillis(10), 4, Duration.ofMillis(500), Duration.ofSeconds(30), 4));
        assertThat(relay.backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(relay.backoff(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(relay.backoff(40)).isEqualTo(Duration.ofSeconds(30));
    }

    private static List<AuditEvent> steps(AuditOutbox outbox, UUID project, int count) {
        return steps(transactions, outbox, project, count);
    }

    /** {@code count} steps of {@code project}, each committing one event to the outbox. */
    static List<AuditEvent> steps(TransactionTemplate transactions, AuditOutbox outbox, UUID project, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String hash = String.format("%064x", i + 1);
            events.add(transactions.execute(s -> outbox.record(project, AuditEventType.TRAINING_ROUND,
                    Map.of("gradient", hash), Map.of("round", "1"))));
        }
        return events;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
