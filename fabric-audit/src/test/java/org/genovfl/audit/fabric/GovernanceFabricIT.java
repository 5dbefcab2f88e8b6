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
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.genovfl.audit.governance.GovernanceAction;
import org.genovfl.audit.governance.GovernanceActor;
import org.genovfl.audit.governance.GovernanceRecord;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.genovfl.audit.governance.StudyProtocol;
import org.genovfl.audit.governance.StudyState;
import org.genovfl.audit.governance.StudyStatus;
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

    /**
     * Waits until every organisation's peer has committed the study's record {@code version}.
     * A transaction's commit is confirmed at the submitter's peer; another organisation's peer
     * commits the block a moment later, and a party acts on what its own peer shows (a
     * transaction endorsed on a peer that has not seen the last record is refused or fails
     * its endorsement). Returns the status as the last peer read it.
     */
    static StudyStatus seenByAll(StudyStatus committed) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        StudyStatus seen = null;
        for (FabricStudyGovernance party : new FabricStudyGovernance[] {coordinator, hospital, lab, regulator}) {
            while (true) {
                try {
                    seen = party.state(committed.projectId());
                    if (seen.version() >= committed.version()) {
                        break;
                    }
                } catch (GovernanceRefusedException e) {
                    assertThat(e.refusal()).isEqualTo(GovernanceRefusal.UNKNOWN_PROJECT);
                }
                assertThat(System.nanoTime()).as("every peer committed record " + committed.version()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        return seen;
    }

    /** A new study, proposed by the coordinator and approved by the hospital and the lab. */
    static UUID activeStudy() throws InterruptedException {
        UUID project = UUID.randomUUID();
        seenByAll(coordinator.propose(terms(project, HASH_V1), "protocol agreed"));
        seenByAll(hospital.approve(project, HASH_V1, "validated"));
        assertThat(seenByAll(lab.approve(project, HASH_V1, "validated")).state()).isEqualTo(StudyState.ACTIVE);
        return project;
    }

    @Test
    void aStudyBecomesActiveOnlyWhenEachNamedPartyApprovedWithItsOwnIdentity() throws Exception {
        UUID project = UUID.randomUUID();
        StudyStatus proposed = coordinator.propose(terms(project, HASH_V1), "protocol agreed");
        assertThat(proposed.state()).isEqualTo(StudyState.PROPOSED);
        seenByAll(proposed);
        // The lab can approve only as the lab: its approval does not count for the hospital.
        StudyStatus approvedByLab = lab.approve(project, HASH_V1, "validated genomic features");
        assertThat(approvedByLab.approvals()).containsExactly(LAB);
        seenByAll(approvedByLab);
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
    void aChangedSpecificationInvalidatesApprovalsAndOnlyTheCoordinatorMayChangeIt() throws Exception {
        UUID project = activeStudy();
        assertRefused(() -> lab.propose(terms(project, HASH_V2), "take over"), GovernanceRefusal.WRONG_IDENTITY);
        StudyStatus amended = coordinator.propose(terms(project, HASH_V2), "amended");
        assertThat(amended.approvals()).isEmpty();
        seenByAll(amended);
        assertRefused(() -> hospital.approve(project, HASH_V1, "validated the old one"), GovernanceRefusal.STALE_HASH);
        assertThat(hospital.state(project).permits(StudyProtocol.TRAINING, HASH_V2)).isFalse();
    }

    @Test
    void theRegulatorSuspendsThroughItsOwnPeerAndOnlyItLiftsItsSuspension() throws Exception {
        UUID project = activeStudy();
        StudyStatus suspended = regulator.suspend(project, "ethics review pending");
        assertThat(suspended.suspendedBy()).containsExactly(REGULATOR_MSP);
        seenByAll(suspended);
        assertRefused(() -> hospital.resume(project, "we disagree"), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(lab.state(project).state()).isEqualTo(StudyState.SUSPENDED);
        StudyStatus resumed = regulator.resume(project, "ethics review passed");
        assertThat(resumed.state()).isEqualTo(StudyState.ACTIVE);
        seenByAll(resumed);
        StudyStatus closed = coordinator.close(project, "study complete");
        assertThat(closed.state()).isEqualTo(StudyState.CLOSED);
        seenByAll(closed);
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
