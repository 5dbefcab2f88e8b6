package org.genovfl.audit.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.genovfl.audit.governance.GovernanceFixtures.COORDINATOR;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V1;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V2;
import static org.genovfl.audit.governance.GovernanceFixtures.HOSPITAL;
import static org.genovfl.audit.governance.GovernanceFixtures.LAB;
import static org.genovfl.audit.governance.GovernanceFixtures.terms;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.genovfl.audit.governance.GovernanceAction;
import org.genovfl.audit.governance.GovernanceActor;
import org.genovfl.audit.governance.GovernanceJson;
import org.genovfl.audit.governance.GovernanceRecord;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.genovfl.audit.governance.StudyState;
import org.genovfl.audit.governance.StudyStatus;
import org.junit.jupiter.api.Test;

/**
 * The governance contract's transactions on a world state with Fabric's transaction
 * semantics (a refused transaction writes nothing), with callers named by MSP id as the shim
 * gives them. Every transition and every refusal; the rules themselves are
 * StudyGovernanceRules (fabric-audit), tested there too.
 */
class GovernanceChaincodeTest {

    static final String HOSPITAL_MSP = "HospitalMSP";
    static final String LAB_MSP = "LabMSP";
    static final String COORDINATOR_MSP = "CoordinatorMSP";
    static final String REGULATOR_MSP = "RegulatorMSP";

    final CommittedState ledger = new CommittedState();
    final GovernanceChaincode chaincode = new GovernanceChaincode(OrganisationDirectory.parse(
            HOSPITAL + "=" + HOSPITAL_MSP + ";" + LAB + "=" + LAB_MSP + ";" + COORDINATOR + "=" + COORDINATOR_MSP,
            REGULATOR_MSP));
    final UUID project = UUID.randomUUID();
    long transactionTime = 1_000;

    Instant txTimestamp() {
        return Instant.ofEpochMilli(transactionTime++);
    }

    StudyStatus propose(String msp, String hash) {
        String termsJson = GovernanceJson.toJson(terms(project, hash));
        return status(ledger.transaction(s -> chaincode.propose(s, msp, txTimestamp(), termsJson, "protocol agreed")));
    }

    StudyStatus approve(String msp, String hash) {
        return status(ledger.transaction(s -> chaincode.approve(s, msp, txTimestamp(), project.toString(), hash,
                "validated the specification")));
    }

    StudyStatus act(GovernanceAction action, String msp) {
        return status(ledger.transaction(s -> chaincode.act(s, action, msp, txTimestamp(), project.toString(),
                "reason of " + msp)));
    }

    StudyStatus study() {
        return status(ledger.read(s -> chaincode.study(s, project.toString())));
    }

    List<GovernanceRecord> history() {
        return GovernanceJson.historyFromJson(ledger.read(s -> chaincode.history(s, project.toString())));
    }

    static StudyStatus status(String json) {
        return GovernanceJson.statusFromJson(json);
    }

    void activate() {
        propose(COORDINATOR_MSP, HASH_V1);
        approve(HOSPITAL_MSP, HASH_V1);
        approve(LAB_MSP, HASH_V1);
    }

    /** Asserts the refusal and that the refused transaction wrote nothing. */
    void assertRefused(Runnable transaction, GovernanceRefusal refusal) {
        TreeMap<String, String> before = new TreeMap<>(ledger.committed);
        assertThatThrownBy(transaction::run).isInstanceOfSatisfying(GovernanceRefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(refusal));
        assertThat(ledger.committed).isEqualTo(before);
    }

    @Test
    void eachNamedPartysOwnApprovalMakesTheStudyActiveAndTheHistoryNamesWhoAndWhen() {
        assertThat(propose(COORDINATOR_MSP, HASH_V1).state()).isEqualTo(StudyState.PROPOSED);
        assertThat(approve(HOSPITAL_MSP, HASH_V1).state()).isEqualTo(StudyState.PROPOSED);
        StudyStatus active = approve(LAB_MSP, HASH_V1);
        assertThat(active.state()).isEqualTo(StudyState.ACTIVE);
        assertThat(active.approvals()).containsExactlyInAnyOrder(HOSPITAL, LAB);
        assertThat(study()).isEqualTo(active);

        List<GovernanceRecord> history = history();
        assertThat(history).extracting(r -> r.request().action()).containsExactly(GovernanceAction.PROPOSE,
                GovernanceAction.APPROVE, GovernanceAction.APPROVE);
        assertThat(history).extracting(r -> r.request().actor()).containsExactly(GovernanceActor.party(COORDINATOR),
                GovernanceActor.party(HOSPITAL), GovernanceActor.party(LAB));
        assertThat(history).extracting(r -> r.request().at()).containsExactly(Instant.ofEpochMilli(1_000),
                Instant.ofEpochMilli(1_001), Instant.ofEpochMilli(1_002));
        assertThat(history).extracting(GovernanceRecord::stateAfter).containsExactly(StudyState.PROPOSED,
                StudyState.PROPOSED, StudyState.ACTIVE);
        assertThat(history.get(0).request().terms()).isEqualTo(terms(project, HASH_V1));
        assertThat(ledger.committed.keySet()).containsExactly("study-history/" + project + "/0000000000000000001",
                "study-history/" + project + "/0000000000000000002", "study-history/" + project + "/0000000000000000003",
                "study/" + project);
    }

    @Test
    void aNewProposalInvalidatesApprovalsAndAnApprovalOfTheOldHashIsStale() {
        activate();
        StudyStatus reproposed = propose(COORDINATOR_MSP, HASH_V2);
        assertThat(reproposed.state()).isEqualTo(StudyState.PROPOSED);
        assertThat(reproposed.approvals()).isEmpty();
        assertRefused(() -> approve(HOSPITAL_MSP, HASH_V1), GovernanceRefusal.STALE_HASH);
        approve(HOSPITAL_MSP, HASH_V2);
        assertThat(approve(LAB_MSP, HASH_V2).state()).isEqualTo(StudyState.ACTIVE);
        assertThat(history()).hasSize(6);
    }

    @Test
    void suspensionsByAPartyAndTheRegulatorAreEachLiftedOnlyByWhoeverPlacedThem() {
        activate();
        assertThat(act(GovernanceAction.SUSPEND, LAB_MSP).state()).isEqualTo(StudyState.SUSPENDED);
        assertThat(act(GovernanceAction.SUSPEND, REGULATOR_MSP).suspendedBy()).containsExactlyInAnyOrder(LAB,
                REGULATOR_MSP);
        assertRefused(() -> act(GovernanceAction.RESUME, HOSPITAL_MSP), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> act(GovernanceAction.RESUME, COORDINATOR_MSP), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(act(GovernanceAction.RESUME, LAB_MSP).state()).isEqualTo(StudyState.SUSPENDED);
        StudyStatus resumed = act(GovernanceAction.RESUME, REGULATOR_MSP);
        assertThat(resumed.state()).isEqualTo(StudyState.ACTIVE);
        assertThat(history()).extracting(r -> r.request().actor().regulator()).containsExactly(false, false, false,
                false, true, false, true);
        assertThat(act(GovernanceAction.SUSPEND, COORDINATOR_MSP).state()).isEqualTo(StudyState.SUSPENDED);
    }

    @Test
    void theCoordinatorClosesAndAClosedStudyRefusesEveryTransaction() {
        activate();
        act(GovernanceAction.SUSPEND, HOSPITAL_MSP);
        assertRefused(() -> act(GovernanceAction.CLOSE, HOSPITAL_MSP), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> act(GovernanceAction.CLOSE, REGULATOR_MSP), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(act(GovernanceAction.CLOSE, COORDINATOR_MSP).state()).isEqualTo(StudyState.CLOSED);
        assertRefused(() -> propose(COORDINATOR_MSP, HASH_V2), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> approve(HOSPITAL_MSP, HASH_V1), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> act(GovernanceAction.SUSPEND, REGULATOR_MSP), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> act(GovernanceAction.RESUME, HOSPITAL_MSP), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> act(GovernanceAction.CLOSE, COORDINATOR_MSP), GovernanceRefusal.WRONG_STATE);
        assertThat(study().state()).isEqualTo(StudyState.CLOSED);
    }

    @Test
    void theCallerIsTheSubmittersMspNeverWhatTheRequestSays() {
        // Terms naming the coordinator, submitted by the hospital's identity.
        assertRefused(() -> propose(HOSPITAL_MSP, HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> propose(REGULATOR_MSP, HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        propose(COORDINATOR_MSP, HASH_V1);
        // A channel member whose MSP id is a party's name cannot pass for that party.
        assertRefused(() -> approve(HOSPITAL, HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> approve("MalloryMSP", HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> approve(COORDINATOR_MSP, HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> approve(REGULATOR_MSP, HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        approve(HOSPITAL_MSP, HASH_V1);
        approve(LAB_MSP, HASH_V1);
        assertRefused(() -> act(GovernanceAction.SUSPEND, "MalloryMSP"), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> propose(LAB_MSP, HASH_V2), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(study().state()).isEqualTo(StudyState.ACTIVE);
    }

    @Test
    void anMspListedForTwoOrganisationsSpeaksForNeitherInGovernance() {
        GovernanceChaincode sharedMsp = new GovernanceChaincode(OrganisationDirectory.parse(
                HOSPITAL + "=SharedMSP;" + LAB + "=SharedMSP;" + COORDINATOR + "=" + COORDINATOR_MSP, REGULATOR_MSP));
        propose(COORDINATOR_MSP, HASH_V1);
        assertRefused(() -> ledger.transaction(s -> sharedMsp.approve(s, "SharedMSP", txTimestamp(), project.toString(),
                HASH_V1, "validated")), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(study().approvals()).isEmpty();
    }

    @Test
    void transitionsFromTheWrongStateAreRefused() {
        propose(COORDINATOR_MSP, HASH_V1);
        assertRefused(() -> act(GovernanceAction.SUSPEND, LAB_MSP), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> act(GovernanceAction.RESUME, LAB_MSP), GovernanceRefusal.WRONG_STATE);
        approve(HOSPITAL_MSP, HASH_V1);
        approve(LAB_MSP, HASH_V1);
        assertRefused(() -> act(GovernanceAction.RESUME, LAB_MSP), GovernanceRefusal.WRONG_STATE);
        act(GovernanceAction.SUSPEND, REGULATOR_MSP);
        assertRefused(() -> propose(COORDINATOR_MSP, HASH_V2), GovernanceRefusal.WRONG_STATE);
    }

    @Test
    void anUnknownProjectIsRefusedAndHasAnEmptyHistory() {
        assertRefused(() -> approve(HOSPITAL_MSP, HASH_V1), GovernanceRefusal.UNKNOWN_PROJECT);
        for (GovernanceAction action : List.of(GovernanceAction.SUSPEND, GovernanceAction.RESUME, GovernanceAction.CLOSE)) {
            assertRefused(() -> act(action, COORDINATOR_MSP), GovernanceRefusal.UNKNOWN_PROJECT);
        }
        assertRefused(this::study, GovernanceRefusal.UNKNOWN_PROJECT);
        assertThat(history()).isEmpty();
    }

    @Test
    void malformedRequestsAreRefusedWithoutEchoingThem() {
        String terms = GovernanceJson.toJson(terms(project, HASH_V1));
        List<Runnable> bad = List.of(
                () -> ledger.transaction(s -> chaincode.propose(s, COORDINATOR_MSP, txTimestamp(),
                        terms.replace("\"minimumCohortSize\":50", "\"minimumCohortSize\":0"), "ok")),
                () -> ledger.transaction(s -> chaincode.propose(s, COORDINATOR_MSP, txTimestamp(),
                        terms.replace("{\"allowedProtocols\"", "{\"patient\":\"Jane Doe\",\"allowedProtocols\""), "ok")),
                () -> ledger.transaction(s -> chaincode.propose(s, COORDINATOR_MSP, txTimestamp(), "Jane Doe", "ok")),
                () -> ledger.transaction(s -> chaincode.propose(s, COORDINATOR_MSP, txTimestamp(), terms, "")),
                () -> ledger.transaction(s -> chaincode.approve(s, HOSPITAL_MSP, txTimestamp(), "Jane Doe", HASH_V1, "ok")),
                () -> ledger.transaction(s -> chaincode.approve(s, HOSPITAL_MSP, txTimestamp(), project.toString(),
                        "Jane Doe", "ok")));
        for (Runnable call : bad) {
            assertRefused(call, GovernanceRefusal.INVALID_REQUEST);
            assertThatThrownBy(call::run).hasMessageNotContaining("Jane");
        }
        assertThat(ledger.committed).isEmpty();
    }

    @Test
    void aRetriedTransactionWritesNothingAndEveryPeerWritesTheSame() {
        propose(COORDINATOR_MSP, HASH_V1);
        approve(HOSPITAL_MSP, HASH_V1);
        TreeMap<String, String> before = new TreeMap<>(ledger.committed);
        approve(HOSPITAL_MSP, HASH_V1);
        propose(COORDINATOR_MSP, HASH_V1);
        assertThat(ledger.committed).isEqualTo(before);

        CommittedState otherPeer = new CommittedState();
        otherPeer.committed.putAll(before);
        Instant at = txTimestamp();
        ledger.transaction(s -> chaincode.approve(s, LAB_MSP, at, project.toString(), HASH_V1, "validated"));
        otherPeer.transaction(s -> chaincode.approve(s, LAB_MSP, at, project.toString(), HASH_V1, "validated"));
        assertThat(otherPeer.committed).isEqualTo(ledger.committed);
    }
}
