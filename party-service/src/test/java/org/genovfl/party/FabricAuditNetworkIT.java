package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.genovfl.audit.fabric.ChannelTrail;
import org.genovfl.audit.fabric.FabricAuditLedger;
import org.genovfl.audit.fabric.LocalFabricNetwork;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The three party services with {@code genovfl.audit.ledger=fabric} on the network that
 * {@code ./genovfl test} brought up (system property {@code genovfl.fabric.dir}), training
 * while Fabric's processes fail under them: the outbox holds what the channel cannot take
 * yet, and in the end every party's events are on the channel once, in the party's order.
 * Fails, never skips, when the network is absent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FabricAuditNetworkIT {

    @TempDir
    static Path directory;

    static LocalFabricNetwork fabric;
    static ThreePartyNetwork parties;
    static TrainingFixture cohort;
    static FabricAuditLedger regulator;

    @BeforeAll
    static void startPartiesOnFabric() {
        fabric = LocalFabricNetwork.fromSystemProperty(Path.of("../fabric-audit/network/fabric.sh"));
        regulator = fabric.connect("regulator");
        parties = ThreePartyNetwork.start(directory, Map.of(
                "genovfl.audit.ledger", "fabric",
                "genovfl.audit.fabric.connection-directory", fabric.directory().resolve("connections").toString(),
                // Outages here last seconds: retry within a second of the network coming back.
                "genovfl.audit.relay.max-backoff", "1s"));
        cohort = new TrainingFixture(15, 15);
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB, PartyRole.COORDINATOR)) {
            cohort.seedProject(parties.bean(role, JdbcTemplate.class));
        }
        cohort.seedHospital(parties.bean(PartyRole.HOSPITAL, JdbcTemplate.class), TrainingNetworkIT.HOSPITAL);
        cohort.seedLab(parties.bean(PartyRole.LAB, JdbcTemplate.class), TrainingNetworkIT.LAB, 0);
        cohort.seedAlignedCohort();
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            parties.close();
        }
        if (regulator != null) {
            regulator.close();
        }
    }

    @Test
    @Order(1)
    void trainingOutlivesOrdererPeerChaincodeAndServiceFailuresAndEveryEventReachesTheChannelOnceInOrder()
            throws Exception {
        UUID run = cohort.startRun(parties, TrainingNetworkIT.CONFIG);

        fabric("orderer", "stop");
        awaitTrue("the hospital's outbox holds an event the channel could not take",
                () -> undelivered(PartyRole.HOSPITAL) > 0);
        parties.restart(PartyRole.HOSPITAL);   // restarts with those events still in its outbox
        fabric("orderer", "start");

        fabric("peer", "hospital", "stop");    // the peer the hospital's gateway uses
        Thread.sleep(3000);
        fabric("peer", "hospital", "start");

        fabric("chaincode", "lab", "stop");    // the chaincode server behind the lab's peer
        Thread.sleep(3000);
        fabric("chaincode", "lab", "start");

        JsonNode finished = TrainingFixture.awaitFinished(parties, run);
        assertThat(finished.get("status").asText()).as(finished.toString()).isEqualTo("COMPLETED");

        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            awaitTrue(role + "'s outbox delivered", () -> undelivered(role) == 0);
        }
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            String organisation = DemoNetwork.ORGANISATIONS.get(role);
            List<UUID> outbox = db(role).sql("SELECT event_id FROM audit_outbox WHERE project_id = ? ORDER BY sequence")
                    .param(cohort.project).query(UUID.class).list();
            List<UUID> onChannel = new ArrayList<>();
            for (AuditEvent event : regulator.byProject(cohort.project)) {
                if (event.actingOrganisation().equals(organisation)) {
                    onChannel.add(event.eventId());
                }
            }
            assertThat(onChannel).as(role + ": the channel holds its outbox once, in order").isEqualTo(outbox);
        }
        assertThat(db(PartyRole.HOSPITAL).sql("SELECT count(*) FROM audit_outbox WHERE project_id = ?")
                .param(cohort.project).query(Long.class).single()).as("the hospital recorded the run").isPositive();
    }

    /** After the training run, so the channel holds its events too. */
    @Test
    @Order(2)
    void noPayloadOnTheWholeChannelNamesAPatientOfAnyParty() {
        ChannelTrail trail = ChannelTrail.read(regulator, "genovfl-audit", Set.of("HospitalMSP", "LabMSP", "CoordinatorMSP"));
        assertThat(trail.integrity().problems()).as("channel integrity").isEmpty();
        List<String> payloads = trail.events().stream().map(AuditEventJson::toJson).toList();
        assertThat(payloads).as("events on the channel").isNotEmpty();
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB)) {
            Set<String> identifiers = PersonalDataScan.identifiers(db(role));
            assertThat(identifiers).as(role + "'s patient identifiers to look for").isNotEmpty();
            for (String payload : payloads) {
                for (String identifier : identifiers) {
                    assertThat(payload).as("channel payload vs a patient identifier of " + role).doesNotContain(identifier);
                }
            }
        }
    }

    /** A regulator sees where the channel holds an event: block, transaction and endorsers, as its trail reads them. */
    @Test
    @Order(3)
    void theRegulatorApiNamesTheBlockAndTransactionOfAnEvent() throws Exception {
        ChannelTrail trail = ChannelTrail.read(regulator, "genovfl-audit", Set.of("HospitalMSP", "LabMSP", "CoordinatorMSP"));
        ChannelTrail.Entry released = trail.entries().stream()
                .filter(entry -> entry.events().stream().anyMatch(e -> e.projectId().equals(cohort.project)
                        && e.type() == org.genovfl.audit.AuditEventType.MODEL_RELEASED))
                .findFirst().orElseThrow();
        AuditEvent event = released.events().stream().filter(e -> e.type() == org.genovfl.audit.AuditEventType.MODEL_RELEASED)
                .findFirst().orElseThrow();
        for (PartyRole role : List.of(PartyRole.COORDINATOR, PartyRole.HOSPITAL)) {
            java.net.http.HttpResponse<String> answer = parties.get(parties.client(null), parties.url(role,
                    "/api/projects/" + cohort.project + "/audit-trail/events/" + event.eventId()), "regulator");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode detail = TrainingNetworkIT.JSON.readTree(answer.body());
            assertThat(detail.get("event").get("eventId").asText()).isEqualTo(event.eventId().toString());
            JsonNode location = detail.get("location");
            assertThat(location).as(role + " names the block: " + answer.body()).isNotNull();
            assertThat(location.get("blockNumber").asLong()).isEqualTo(released.blockNumber());
            assertThat(location.get("transactionId").asText()).isEqualTo(released.transactionId());
            assertThat(location.get("endorsingOrganisations")).hasSizeGreaterThanOrEqualTo(2);
        }
        java.net.http.HttpResponse<String> unknown = parties.get(parties.client(null), parties.url(PartyRole.COORDINATOR,
                "/api/projects/" + cohort.project + "/audit-trail/events/" + UUID.randomUUID()), "regulator");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    private static long undelivered(PartyRole role) {
        return db(role).sql("SELECT count(*) FROM audit_outbox WHERE delivered_at IS NULL")
                .query(Long.class).single();
    }

    private static JdbcClient db(PartyRole role) {
        return JdbcClient.create(parties.bean(role, JdbcTemplate.class));
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, Condition condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!condition.holds()) {
            assertThat(Instant.now()).as("waited 2 minutes for: " + what).isBefore(deadline);
            Thread.sleep(200);
        }
    }

    private static void fabric(String... arguments) throws Exception {
        fabric.run(arguments);
    }
}
