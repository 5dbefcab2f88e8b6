package org.genovfl.audit.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.genovfl.audit.governance.GovernanceFixtures.COORDINATOR;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V1;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V2;
import static org.genovfl.audit.governance.GovernanceFixtures.HOSPITAL;
import static org.genovfl.audit.governance.GovernanceFixtures.LAB;
import static org.genovfl.audit.governance.GovernanceFixtures.terms;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.genovfl.audit.governance.GovernanceAction;
import org.genovfl.audit.governance.GovernanceActor;
import org.genovfl.audit.governance.GovernanceRecord;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.genovfl.audit.governance.StudyProtocol;
import org.genovfl.audit.governance.StudyState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The study lifecycle on the real channel that {@code ./genovfl fabric up} started: each
 * organisation acts through its own gateway identity, and the chaincode (endorsed by two
 * party organisations) decides who may do what. Fails, never skips, when the network is absent.
 */
class GovernanceFabricIT {

    static final String REGULATOR_MSP = "RegulatorMSP";

    static LocalFabricNetwork network;
    static FabricStudyGovernance coordinator;
    static FabricStudyGovernance hospital;
    static FabricStudyGovernance lab;
    static FabricStudyGovernance regulator;

    @BeforeAll
    static void connect() {
        network = LocalFabricNetwork.fromSystemProperty(Path.of("network/fabric.sh"));
        coordinator = FabricStudyGovernance.connect(network.connection("coordinator"));
        hospital = FabricStudyGovernance.connect(network.connection("hospital"));
        lab = FabricStudyGovernance.connect(network.connection("lab"));
        regulator = FabricStudyGovernance.connect(network.connection("regulator"));
    }

    @AfterAll
    static void close() {
        for (FabricStudyGovernance governance : new FabricStudyGovernance[] {coordinator, hospital, lab, regulator}) {
            if (governance != null) {
                governance.close();
            }
        }
    }

    static void assertRefused(Runnable call, GovernanceRefusal refusal) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(GovernanceRefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(refusal));
    }

    /** A new study, proposed by the coordinator and approved by the hospital and the lab. */
    static UUID activeStudy() {
        UUID project = UUID.randomUUID();
        coordinator.propose(terms(project, HASH_V1), "protocol agreed");
        hospital.approve(project, HASH_V1, "validated");
        lab.approve(project, HASH_V1, "validated");
        return project;
    }

    @Test
    void aStudyBecomesActiveOnlyWhenEachNamedPartyApprovedWithItsOwnIdentity() {
        UUID project = UUID.randomUUID();
        assertThat(coordinator.propose(terms(project, HASH_V1), "protocol agreed").state()).isEqualTo(StudyState.PROPOSED);
        // The lab can approve only as the lab: its approval does not count for the hospital.
        assertThat(lab.approve(project, HASH_V1, "validated genomic features").approvals()).containsExactly(LAB);
        assertRefused(() -> regulator.approve(project, HASH_V1, "not a party"), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> coordinator.approve(project, HASH_V1, "not a named party"), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(regulator.state(project).state()).isEqualTo(StudyState.PROPOSED);

        assertThat(hospital.approve(project, HASH_V1, "validated clinical features").state()).isEqualTo(StudyState.ACTIVE);
        assertThat(regulator.state(project).permits(StudyProtocol.TRAINING, HASH_V1)).isTrue();
        List<GovernanceRecord> history = regulator.history(project);
        assertThat(history).extracting(r -> r.request().actor()).containsExactly(GovernanceActor.party(COORDINATOR),
                GovernanceActor.party(LAB), GovernanceActor.party(HOSPITAL));
        assertThat(history).extracting(r -> r.request().at()).isSorted();
    }

    @Test
    void aChangedSpecificationInvalidatesApprovalsAndOnlyTheCoordinatorMayChangeIt() {
        UUID project = activeStudy();
        assertRefused(() -> lab.propose(terms(project, HASH_V2), "take over"), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(coordinator.propose(terms(project, HASH_V2), "amended").approvals()).isEmpty();
        assertRefused(() -> hospital.approve(project, HASH_V1, "validated the old one"), GovernanceRefusal.STALE_HASH);
        assertThat(hospital.state(project).permits(StudyProtocol.TRAINING, HASH_V2)).isFalse();
    }

    @Test
    void theRegulatorSuspendsThroughItsOwnPeerAndOnlyItLiftsItsSuspension() {
        UUID project = activeStudy();
        assertThat(regulator.suspend(project, "ethics review pending").suspendedBy()).containsExactly(REGULATOR_MSP);
        assertRefused(() -> hospital.resume(project, "we disagree"), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(lab.state(project).state()).isEqualTo(StudyState.SUSPENDED);
        assertThat(regulator.resume(project, "ethics review passed").state()).isEqualTo(StudyState.ACTIVE);
        assertThat(coordinator.close(project, "study complete").state()).isEqualTo(StudyState.CLOSED);
        assertRefused(() -> hospital.approve(project, HASH_V1, "again"), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> regulator.suspend(project, "too late"), GovernanceRefusal.WRONG_STATE);
        assertThat(regulator.history(project)).extracting(r -> r.request().action()).endsWith(GovernanceAction.SUSPEND,
                GovernanceAction.RESUME, GovernanceAction.CLOSE);
    }

    @Test
    void anUnknownProjectIsRefusedAndTheContractOffersNoWayToRewriteHistory() throws Exception {
        UUID unknown = UUID.randomUUID();
        assertRefused(() -> regulator.state(unknown), GovernanceRefusal.UNKNOWN_PROJECT);
        assertRefused(() -> hospital.approve(unknown, HASH_V1, "validated"), GovernanceRefusal.UNKNOWN_PROJECT);
        assertThat(regulator.history(unknown)).isEmpty();
        try (FabricAuditLedger ledger = network.connect("hospital")) {
            assertThat(ChannelFabricIT.submitTransactions(
                    ledger.contract().evaluateTransaction("org.hyperledger.fabric:GetMetadata"), "genovfl-governance"))
                    .containsExactlyInAnyOrder("propose", "approve", "suspend", "resume", "close");
        }
    }
}
