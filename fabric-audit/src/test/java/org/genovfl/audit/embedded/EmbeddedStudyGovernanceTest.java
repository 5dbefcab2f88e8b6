package org.genovfl.audit.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.genovfl.audit.governance.GovernanceFixtures.COORDINATOR;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V1;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V2;
import static org.genovfl.audit.governance.GovernanceFixtures.HOSPITAL;
import static org.genovfl.audit.governance.GovernanceFixtures.LAB;
import static org.genovfl.audit.governance.GovernanceFixtures.REGULATOR;
import static org.genovfl.audit.governance.GovernanceFixtures.terms;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.genovfl.audit.governance.GovernanceAction;
import org.genovfl.audit.governance.GovernanceActor;
import org.genovfl.audit.governance.GovernanceJson;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.genovfl.audit.governance.GovernanceRequest;
import org.genovfl.audit.governance.StudyProtocol;
import org.genovfl.audit.governance.StudyState;
import org.genovfl.audit.governance.StudyStatus;
import org.genovfl.db.PartyDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Study governance on the embedded ledger, on real PostgreSQL: three parties each keep their
 * own copy (one database each) and exchange signed requests, as they would over mutual TLS.
 */
class EmbeddedStudyGovernanceTest {

    @TempDir
    static Path directory;
    static PartyDatabase server;
    static PartyDatabase hospitalDatabase;
    static PartyDatabase labDatabase;
    static LedgerSigner coordinatorKey = TestSigners.party(COORDINATOR);
    static LedgerSigner hospitalKey = TestSigners.party(HOSPITAL);
    static LedgerSigner labKey = TestSigners.party(LAB);
    static LedgerSigner regulatorKey = TestSigners.party(REGULATOR);
    static List<GovernanceMember> members = List.of(
            new GovernanceMember(GovernanceActor.party(COORDINATOR), coordinatorKey.certificate()),
            new GovernanceMember(GovernanceActor.party(HOSPITAL), hospitalKey.certificate()),
            new GovernanceMember(GovernanceActor.party(LAB), labKey.certificate()),
            new GovernanceMember(GovernanceActor.regulator(REGULATOR), regulatorKey.certificate()));

    EmbeddedStudyGovernance coordinator;
    EmbeddedStudyGovernance hospital;
    EmbeddedStudyGovernance lab;
    /** The regulator acts through the hospital's copy (the regulator's role at a party service). */
    EmbeddedStudyGovernance regulatorAtHospital;
    UUID project;

    @BeforeAll
    static void startDatabases() throws Exception {
        server = PartyDatabase.embedded(directory.resolve("pg"), 0);
        server.migrate();
        hospitalDatabase = copy("hospital_copy");
        labDatabase = copy("lab_copy");
    }

    /** Another party's database, on the same server to spare the machine a second one. */
    private static PartyDatabase copy(String name) throws Exception {
        sql(server, "DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name);
        PartyDatabase database = PartyDatabase.external(server.jdbcUrl().replace("/postgres?", "/" + name + "?"),
                null, server.password());
        database.migrate();
        return database;
    }

    @AfterAll
    static void stopDatabases() {
        server.close();
    }

    @BeforeEach
    void copies() {
        coordinator = EmbeddedStudyGovernance.create(server.dataSource(), coordinatorKey, members, Clock.systemUTC());
        hospital = EmbeddedStudyGovernance.create(hospitalDatabase.dataSource(), hospitalKey, members, Clock.systemUTC());
        lab = EmbeddedStudyGovernance.create(labDatabase.dataSource(), labKey, members, Clock.systemUTC());
        regulatorAtHospital = EmbeddedStudyGovernance.create(hospitalDatabase.dataSource(), regulatorKey, members,
                Clock.systemUTC());
        project = UUID.randomUUID();
    }

    static void sql(PartyDatabase database, String... statements) throws Exception {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Sends everything {@code from} accepted about the project to each of {@code to}. */
    void deliver(EmbeddedStudyGovernance from, EmbeddedStudyGovernance... to) {
        for (SignedGovernanceRequest signed : from.signedHistory(project)) {
            for (EmbeddedStudyGovernance copy : to) {
                copy.receive(SignedGovernanceRequest.fromJson(signed.toJson()));
            }
        }
    }

    void activeEverywhere() {
        coordinator.propose(terms(project, HASH_V1), "protocol agreed");
        deliver(coordinator, hospital, lab);
        hospital.approve(project, HASH_V1, "validated clinical features");
        deliver(hospital, coordinator, lab);
        lab.approve(project, HASH_V1, "validated genomic features");
        deliver(lab, coordinator, hospital);
    }

    static void assertRefused(Runnable call, GovernanceRefusal refusal) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(GovernanceRefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(refusal));
    }

    @Test
    void signedApprovalsExchangedBetweenCopiesMakeTheStudyActiveInEachWithTheSameHistory() {
        StudyStatus proposed = coordinator.propose(terms(project, HASH_V1), "protocol agreed");
        assertThat(proposed.state()).isEqualTo(StudyState.PROPOSED);
        assertRefused(() -> hospital.approve(project, HASH_V1, "too early"), GovernanceRefusal.UNKNOWN_PROJECT);

        activeEverywhere();
        for (EmbeddedStudyGovernance copy : List.of(coordinator, hospital, lab)) {
            StudyStatus status = copy.state(project);
            assertThat(status.state()).isEqualTo(StudyState.ACTIVE);
            assertThat(status.permits(StudyProtocol.TRAINING, HASH_V1)).isTrue();
            assertThat(copy.history(project)).isEqualTo(coordinator.history(project));
            assertThat(copy.verify(project)).isEmpty();
        }
        assertThat(coordinator.history(project)).extracting(r -> r.request().actor().organisation())
                .containsExactly(COORDINATOR, HOSPITAL, LAB);
    }

    @Test
    void noCopyAcceptsARequestItsActorDidNotSign() {
        coordinator.propose(terms(project, HASH_V1), "protocol agreed");
        deliver(coordinator, hospital);
        // The lab signs an approval made in the hospital's name.
        String inHospitalsName = GovernanceJson.toJson(GovernanceRequest.approve(project, HASH_V1,
                GovernanceActor.party(HOSPITAL), "forged", Instant.now()));
        assertRefused(() -> hospital.receive(signedBy(labKey, inHospitalsName)), GovernanceRefusal.WRONG_IDENTITY);
        // A key that is not a member's.
        String labsOwn = GovernanceJson.toJson(GovernanceRequest.approve(project, HASH_V1, GovernanceActor.party(LAB),
                "validated", Instant.now()));
        assertRefused(() -> hospital.receive(signedBy(TestSigners.party(LAB), labsOwn)), GovernanceRefusal.WRONG_IDENTITY);
        // The lab's genuine approval, altered in transit to approve other terms.
        SignedGovernanceRequest genuine = signedBy(labKey, labsOwn);
        SignedGovernanceRequest altered = new SignedGovernanceRequest(labsOwn.replace(HASH_V1, HASH_V2),
                genuine.signature(), genuine.signerCertificateSha256());
        assertRefused(() -> hospital.receive(altered), GovernanceRefusal.WRONG_IDENTITY);
        // A party posing as the regulator.
        String asRegulator = GovernanceJson.toJson(GovernanceRequest.of(GovernanceAction.SUSPEND, project,
                GovernanceActor.regulator(LAB), "pose", Instant.now()));
        assertRefused(() -> hospital.receive(signedBy(labKey, asRegulator)), GovernanceRefusal.WRONG_IDENTITY);

        assertThat(hospital.history(project)).hasSize(1);
        assertThat(hospital.receive(genuine).approvals()).containsExactly(LAB);
    }

    @Test
    void theRulesRefuseInEveryCopyAsOnTheChannel() {
        activeEverywhere();
        coordinator.propose(terms(project, HASH_V2), "amended protocol");
        deliver(coordinator, hospital);
        assertThat(hospital.state(project).state()).isEqualTo(StudyState.PROPOSED);
        assertThat(hospital.state(project).approvals()).isEmpty();
        assertRefused(() -> hospital.approve(project, HASH_V1, "validated"), GovernanceRefusal.STALE_HASH);
        assertRefused(() -> hospital.suspend(project, "stop"), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> hospital.close(project, "stop"), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> regulatorAtHospital.approve(project, HASH_V2, "ok"), GovernanceRefusal.WRONG_IDENTITY);
        hospital.approve(project, HASH_V2, "validated the amendment");
        deliver(lab, hospital);
        // The lab's copy never saw the amendment: it applies it, then its old approval counts for nothing.
        deliver(coordinator, lab);
        deliver(hospital, lab);
        assertThat(lab.state(project).approvals()).containsExactly(HOSPITAL);
        assertThat(lab.approve(project, HASH_V2, "validated the amendment").state()).isEqualTo(StudyState.ACTIVE);
    }

    @Test
    void theRegulatorsSuspensionHoldsUntilTheRegulatorLiftsIt() {
        activeEverywhere();
        assertThat(regulatorAtHospital.suspend(project, "ethics review pending").suspendedBy()).containsExactly(REGULATOR);
        assertThat(hospital.state(project).permits(StudyProtocol.TRAINING, HASH_V1)).isFalse();
        assertRefused(() -> hospital.resume(project, "we disagree"), GovernanceRefusal.WRONG_IDENTITY);
        deliver(hospital, lab);
        assertThat(lab.state(project).state()).isEqualTo(StudyState.SUSPENDED);
        assertThat(regulatorAtHospital.resume(project, "ethics review passed").state()).isEqualTo(StudyState.ACTIVE);
        deliver(hospital, lab);
        assertThat(lab.state(project).state()).isEqualTo(StudyState.ACTIVE);
        assertThat(lab.history(project)).extracting(r -> r.request().action()).endsWith(GovernanceAction.SUSPEND,
                GovernanceAction.RESUME);
    }

    @Test
    void theSameSignedRequestIsAcceptedOnceSoReplayingItCannotSuspendAgain() {
        activeEverywhere();
        lab.suspend(project, "sequencer recalibration");
        SignedGovernanceRequest suspension = lab.signedHistory(project).get(3);
        lab.resume(project, "recalibrated");
        assertThat(lab.receive(suspension).state()).isEqualTo(StudyState.ACTIVE);
        assertThat(lab.history(project)).hasSize(5);
    }

    @Test
    void verifyNamesTheFirstRecordThatWasTamperedWith() throws Exception {
        activeEverywhere();
        sql(hospitalDatabase, "UPDATE study_governance_record SET request = replace(request, '" + HASH_V1 + "', '"
                + HASH_V2 + "') WHERE project_id = '" + project + "' AND number = 2");
        assertThat(hospital.verify(project)).contains("record 2: signature does not verify");

        sql(labDatabase, "DELETE FROM study_governance_record WHERE project_id = '" + project + "' AND number = 2");
        assertThat(lab.verify(project)).contains("record 2 is missing");

        sql(server, "UPDATE study_governance SET status = replace(status, '\"ACTIVE\"', '\"PROPOSED\"')"
                + " WHERE project_id = '" + project + "'");
        assertThat(coordinator.verify(project)).contains("the current status is not what the history gives");
        assertThat(coordinator.state(project).state()).as("what a party acting on its own copy would see")
                .isEqualTo(StudyState.PROPOSED);

        sql(labDatabase, "DELETE FROM study_governance_record WHERE project_id = '" + project + "'");
        assertThat(lab.verify(project)).as("a status left without any history")
                .contains("the current status is not what the history gives");
    }

    private static SignedGovernanceRequest signedBy(LedgerSigner key, String requestJson) {
        return new SignedGovernanceRequest(requestJson, key.sign(requestJson.getBytes(StandardCharsets.UTF_8)),
                key.certificateSha256());
    }
}
