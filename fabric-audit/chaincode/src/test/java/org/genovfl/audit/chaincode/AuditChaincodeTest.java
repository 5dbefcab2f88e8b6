package org.genovfl.audit.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.AuditRefusal;
import org.genovfl.audit.AuditRefusedException;
import org.junit.jupiter.api.Test;

/**
 * The chaincode's rules on a world state with Fabric's transaction semantics (writes are
 * invisible until the transaction commits; a refused transaction writes nothing). Not a
 * peer: the Fabric integration tests need the network binaries.
 */
class AuditChaincodeTest {

    static final String HOSPITAL = "St Ada University Hospital";
    static final String LAB = "Helix Sequencing Lab";
    static final ObjectMapper JSON = new ObjectMapper();

    final CommittedState ledger = new CommittedState();
    final AuditChaincode chaincode = new AuditChaincode(OrganisationDirectory.parse(
            HOSPITAL + "=HospitalMSP;" + LAB + "=LabMSP"));
    final UUID project = UUID.randomUUID();

    AuditEvent event(String organisation, long sequence, AuditEventType type, String hash, long millis) {
        return new AuditEvent(UUID.randomUUID(), project, sequence, type, organisation, Instant.ofEpochMilli(millis),
                new TreeMap<>(hash == null ? Map.of() : Map.of("artifact", hash)), new TreeMap<>(Map.of("n", "1")));
    }

    AuditChaincode.AppendResult submit(String msp, AuditEvent... events) {
        return ledger.transaction(state -> chaincode.appendEvents(state, msp,
                "[" + String.join(",", java.util.Arrays.stream(events).map(AuditEventJson::toJson).toList()) + "]"));
    }

    List<String> ids(String json) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode node : JSON.readTree(json)) {
            ids.add(node.get("eventId").asText());
        }
        return ids;
    }

    @Test
    void eventsOfTwoOrganisationsAreQueriedBackByProjectTypeTimeAndArtifact() throws Exception {
        AuditEvent created = event(HOSPITAL, 1, AuditEventType.PROJECT_CREATED, "a".repeat(64), 1_000);
        AuditEvent consent = event(HOSPITAL, 2, AuditEventType.CONSENT_SNAPSHOT, "b".repeat(64), 2_000);
        AuditEvent psi = event(LAB, 1, AuditEventType.PSI_COMPLETED, "c".repeat(64), 3_000);
        assertThat(submit("HospitalMSP", created, consent)).isEqualTo(new AuditChaincode.AppendResult(2, 0));
        assertThat(submit("LabMSP", psi).recorded()).isEqualTo(1);

        assertThat(ids(ledger.read(s -> chaincode.byProject(s, project.toString()))))
                .containsExactly(created.eventId().toString(), consent.eventId().toString(), psi.eventId().toString());
        assertThat(ids(ledger.read(s -> chaincode.byType(s, "PSI_COMPLETED")))).containsExactly(psi.eventId().toString());
        assertThat(ids(ledger.read(s -> chaincode.byArtifactHash(s, "B".repeat(64)))))
                .containsExactly(consent.eventId().toString());
        assertThat(ids(ledger.read(s -> chaincode.byTimeRange(s, "1970-01-01T00:00:01.500Z", "1970-01-01T00:00:03Z"))))
                .containsExactly(consent.eventId().toString());
        String stored = ledger.read(s -> chaincode.event(s, psi.eventId().toString()));
        assertThat(stored).isEqualTo(AuditEventJson.toJson(psi));
        assertThat(AuditEventJson.fromJson(stored)).isEqualTo(psi);
    }

    @Test
    void anEventClaimingAnotherOrganisationIsRefused() {
        AuditEvent claimsHospital = event(HOSPITAL, 1, AuditEventType.PSI_COMPLETED, null, 1_000);
        assertRefused(() -> submit("LabMSP", claimsHospital), AuditRefusal.WRONG_ORGANISATION);
        assertThat(ledger.committed).isEmpty();
    }

    @Test
    void theSameEventTwiceIsOneRecordAlsoWithinOneTransaction() throws Exception {
        AuditEvent created = event(HOSPITAL, 1, AuditEventType.PROJECT_CREATED, null, 1_000);
        assertThat(submit("HospitalMSP", created, created)).isEqualTo(new AuditChaincode.AppendResult(1, 1));
        assertThat(submit("HospitalMSP", created)).isEqualTo(new AuditChaincode.AppendResult(0, 1));
        assertThat(ids(ledger.read(s -> chaincode.byProject(s, project.toString())))).hasSize(1);
    }

    @Test
    void sequenceGapsAndConflictsRefuseTheWholeTransaction() {
        AuditEvent first = event(HOSPITAL, 1, AuditEventType.PROJECT_CREATED, null, 1_000);
        AuditEvent third = event(HOSPITAL, 3, AuditEventType.KEY_SETUP, null, 3_000);
        assertRefused(() -> submit("HospitalMSP", first, third), AuditRefusal.SEQUENCE_GAP);
        assertThat(ledger.committed).isEmpty();
        submit("HospitalMSP", first);
        AuditEvent sameIdOtherContent = new AuditEvent(first.eventId(), project, 2, AuditEventType.KEY_SETUP,
                HOSPITAL, first.occurredAt(), null, null);
        assertRefused(() -> submit("HospitalMSP", sameIdOtherContent), AuditRefusal.EVENT_ID_CONFLICT);
        assertRefused(() -> submit("HospitalMSP", event(HOSPITAL, 1, AuditEventType.KEY_SETUP, null, 4_000)),
                AuditRefusal.SEQUENCE_TAKEN);
    }

    @Test
    void refusesEventsThatCouldCarryPersonalData() {
        String withName = AuditEventJson.toJson(event(HOSPITAL, 1, AuditEventType.PROJECT_CREATED, null, 1_000))
                .replace("\"n\":\"1\"", "\"patient\":\"Jane Doe 1970-01-01\"");
        String extraField = AuditEventJson.toJson(event(HOSPITAL, 1, AuditEventType.PROJECT_CREATED, null, 1_000))
                .replace("{\"actingOrganisation\"", "{\"patientId\":\"BB-0001\",\"actingOrganisation\"");
        String notAHash = AuditEventJson.toJson(event(HOSPITAL, 1, AuditEventType.PROJECT_CREATED, "d".repeat(64), 1_000))
                .replace("d".repeat(64), "BB-000123");
        for (String payload : List.of(withName, extraField, notAHash, "not json", "[]")) {
            String batch = payload.startsWith("{") ? "[" + payload + "]" : payload;
            assertRefused(() -> ledger.transaction(s -> chaincode.appendEvents(s, "HospitalMSP", batch)),
                    AuditRefusal.INVALID_EVENT);
        }
        assertThat(ledger.committed).isEmpty();
    }

    @Test
    void sameInputGivesTheSameWritesOnEveryPeer() {
        AuditEvent created = event(HOSPITAL, 1, AuditEventType.PROJECT_CREATED, "a".repeat(64), 1_000);
        CommittedState otherPeer = new CommittedState();
        String batch = "[" + AuditEventJson.toJson(created) + "]";
        ledger.transaction(s -> chaincode.appendEvents(s, "HospitalMSP", batch));
        otherPeer.transaction(s -> chaincode.appendEvents(s, "HospitalMSP", batch));
        assertThat(otherPeer.committed).isEqualTo(ledger.committed);
    }

    private static void assertRefused(Runnable call, AuditRefusal refusal) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AuditRefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(refusal));
    }
}
