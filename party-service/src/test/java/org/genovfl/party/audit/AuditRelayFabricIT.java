package org.genovfl.party.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.fabric.FabricAuditLedger;
import org.genovfl.audit.fabric.LocalFabricNetwork;
import org.genovfl.db.PartyDatabase;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay draining a backlog of several projects into the Fabric channel of the network
 * {@code ./genovfl test} brought up: one transaction per stream, several streams side by side,
 * batches cut to what the chaincode takes. Fails, never skips, when the network is absent.
 */
class AuditRelayFabricIT {

    static final String HOSPITAL = DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL);

    @TempDir
    static Path directory;
    static PartyDatabase party;
    static FabricAuditLedger ledger;

    @BeforeAll
    static void start() {
        party = PartyDatabase.embedded(directory.resolve("party"), 0);
        party.migrate();
        ledger = LocalFabricNetwork.fromSystemProperty(Path.of("../fabric-audit/network/fabric.sh")).connect("hospital");
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
        if (party != null) {
            party.close();
        }
    }

    @Test
    void aBacklogOfSeveralProjectsReachesTheChannelOnceAndInEachProjectsOrder() {
        JdbcClient jdbc = JdbcClient.create(party.dataSource());
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(party.dataSource()));
        AuditOutbox outbox = new AuditOutbox(jdbc, HOSPITAL);
        Map<UUID, List<AuditEvent>> recorded = new java.util.LinkedHashMap<>();
        for (int p = 0; p < 4; p++) {
            UUID project = UUID.randomUUID();
            // 510 events: more than one transaction may carry (500), so each stream takes two.
            recorded.put(project, AuditRelayTest.steps(transactions, outbox, project, 510));
        }
        // Asks for batches of 1,000: the relay cuts them to the chaincode's 500, which would
        // otherwise refuse the whole transaction.
        try (AuditRelay relay = new AuditRelay(jdbc, ledger,
                new AuditProperties.Relay(Duration.ofMillis(10), 1_000, Duration.ofMillis(200), Duration.ofSeconds(1), 4))) {
            List<AuditRelay.Pass> passes = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (relay.backlog().pending() > 0 && System.nanoTime() < deadline) {
                passes.add(relay.relayPending());
            }
            assertThat(passes).as("no pass failed").noneMatch(AuditRelay.Pass::failed);
            assertThat(relay.backlog().pending()).isZero();
            assertThat(passes.stream().mapToInt(AuditRelay.Pass::delivered).sum()).isEqualTo(4 * 510);
        }
        for (Map.Entry<UUID, List<AuditEvent>> project : recorded.entrySet()) {
            assertThat(ledger.byProject(project.getKey())).containsExactlyElementsOf(project.getValue());
        }
    }
}
