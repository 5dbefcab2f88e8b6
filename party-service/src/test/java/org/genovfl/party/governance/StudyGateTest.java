package org.genovfl.party.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.genovfl.audit.embedded.EmbeddedStudyGovernance;
import org.genovfl.audit.embedded.GovernanceMember;
import org.genovfl.audit.embedded.LedgerSigner;
import org.genovfl.audit.governance.GovernanceActor;
import org.genovfl.audit.governance.StudyProtocol;
import org.genovfl.audit.governance.StudyState;
import org.genovfl.audit.governance.StudyTerms;
import org.genovfl.db.PartyDatabase;
import org.genovfl.party.governance.StudyGate.Reason;
import org.genovfl.party.governance.StudyGate.StepRefusedException;
import org.genovfl.party.project.ProjectRegistration;
import org.genovfl.party.project.ProjectSpec;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hospital's check before it acts, against its own copy of the study's governance on the
 * embedded ledger (real PostgreSQL), with the coordinator's and the lab's signed transactions.
 */
class StudyGateTest {

    static final String HOSPITAL = "St Ada University Hospital";
    static final String LAB = "Helix Sequencing Lab";
    static final String COORDINATOR = "GenoVFL Study Coordination";

    @TempDir
    static Path directory;
    static PartyDatabase database;
    static EmbeddedStudyGovernance coordinator;
    static EmbeddedStudyGovernance hospital;
    static EmbeddedStudyGovernance lab;

    final ProjectSpec spec = spec(List.of(new ProjectSpec.GenomicFeature("rs6040355", null, null)));
    UUID project;
    StudyGate gate;

    @BeforeAll
    static void start() {
        database = PartyDatabase.embedded(directory.resolve("pg"), 0);
        database.migrate();
        DemoCertificateAuthority authority = DemoCertificateAuthority.create("Test CA");
        List<DemoCertificateAuthority.IssuedIdentity> identities = List.of(authority.issue(COORDINATOR),
                authority.issue(HOSPITAL), authority.issue(LAB));
        List<GovernanceMember> members = identities.stream()
                .map(identity -> new GovernanceMember(GovernanceActor.party(identity.organisation()), identity.certificate()))
                .toList();
        // All three act on one copy: the hospital's, which receives the others' signed requests.
        coordinator = governance(identities.get(0), members);
        hospital = governance(identities.get(1), members);
        lab = governance(identities.get(2), members);
    }

    static EmbeddedStudyGovernance governance(DemoCertificateAuthority.IssuedIdentity identity,
            List<GovernanceMember> members) {
        return EmbeddedStudyGovernance.create(database.dataSource(),
                new LedgerSigner(identity.keyPair().getPrivate(), identity.certificate()), members, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @BeforeEach
    void newStudy() {
        project = UUID.randomUUID();
        gate = new StudyGate(hospital);
    }

    static ProjectSpec spec(List<ProjectSpec.GenomicFeature> genomicFeatures) {
        return new ProjectSpec("gate", null, "BIOBANK_SAMPLE_ID", HOSPITAL, List.of(LAB),
                new ProjectSpec.Label("http://snomed.info/sct", "254837009"), true,
                List.of(new ProjectSpec.ClinicalFeature("http://loinc.org", "2339-0", "LATEST", null)),
                genomicFeatures, null, null);
    }

    StudyTerms terms() {
        TreeMap<String, Integer> featureCounts = new TreeMap<>();
        featureCounts.put(HOSPITAL, spec.clinicalFeatures().size());
        featureCounts.put(LAB, spec.genomicFeatures().size());
        return new StudyTerms(project, ProjectRegistration.sha256(spec), COORDINATOR, List.of(HOSPITAL, LAB),
                new StudyTerms.Label(spec.label().system(), spec.label().code()), featureCounts,
                new TreeSet<>(EnumSet.of(StudyProtocol.PSI, StudyProtocol.TRAINING)), 50,
                new StudyTerms.ReleaseRules(5, "BEST_VALIDATION", HOSPITAL));
    }

    void activate() {
        coordinator.propose(terms(), "protocol agreed");
        hospital.approve(project, ProjectRegistration.sha256(spec), "validated clinical features");
        lab.approve(project, ProjectRegistration.sha256(spec), "validated genomic features");
    }

    void assertRefused(StudyProtocol protocol, ProjectSpec requestSpec, long cohortSize, Reason reason) {
        assertThatThrownBy(() -> gate.requirePermitted(project, protocol, requestSpec, cohortSize))
                .isInstanceOfSatisfying(StepRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.projectId()).isEqualTo(project);
                    assertThat(e.protocol()).isEqualTo(protocol);
                });
    }

    @Test
    void permitsAnAllowedProtocolOfTheApprovedSpecificationOnlyWhileTheStudyIsActive() {
        assertRefused(StudyProtocol.PSI, spec, StudyGate.COHORT_NOT_KNOWN, Reason.NOT_PROPOSED);
        coordinator.propose(terms(), "protocol agreed");
        hospital.approve(project, ProjectRegistration.sha256(spec), "validated clinical features");
        assertRefused(StudyProtocol.PSI, spec, StudyGate.COHORT_NOT_KNOWN, Reason.NOT_ACTIVE);
        lab.approve(project, ProjectRegistration.sha256(spec), "validated genomic features");

        assertThat(gate.requirePermitted(project, StudyProtocol.PSI, spec, StudyGate.COHORT_NOT_KNOWN).state())
                .isEqualTo(StudyState.ACTIVE);
        assertThat(gate.requirePermitted(project, StudyProtocol.TRAINING, spec, 284).state()).isEqualTo(StudyState.ACTIVE);

        lab.suspend(project, "sequencer recalibration");
        assertRefused(StudyProtocol.TRAINING, spec, 284, Reason.NOT_ACTIVE);
        lab.resume(project, "recalibrated");
        assertThat(gate.requirePermitted(project, StudyProtocol.TRAINING, spec, 284).state()).isEqualTo(StudyState.ACTIVE);
        coordinator.close(project, "study complete");
        assertRefused(StudyProtocol.TRAINING, spec, 284, Reason.NOT_ACTIVE);
    }

    @Test
    void refusesAProtocolTheTermsDoNotAllowAChangedSpecificationAndATooSmallCohort() {
        activate();
        assertRefused(StudyProtocol.GWAS, spec, 284, Reason.PROTOCOL_NOT_ALLOWED);
        ProjectSpec withAnotherVariant = spec(List.of(new ProjectSpec.GenomicFeature("rs6040355", null, null),
                new ProjectSpec.GenomicFeature("rs123", null, null)));
        assertRefused(StudyProtocol.TRAINING, withAnotherVariant, 284, Reason.SPECIFICATION_CHANGED);
        assertRefused(StudyProtocol.TRAINING, spec, 49, Reason.COHORT_TOO_SMALL);
        assertThat(gate.requirePermitted(project, StudyProtocol.TRAINING, spec, 50).state()).isEqualTo(StudyState.ACTIVE);
    }

    @Test
    void aLedgerThatCannotBeReadRefusesTheStep() {
        activate();
        PartyDatabase unreachable = PartyDatabase.external("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "x", "y");
        DemoCertificateAuthority.IssuedIdentity identity = DemoCertificateAuthority.create("Other CA").issue(HOSPITAL);
        EmbeddedStudyGovernance down = EmbeddedStudyGovernance.create(unreachable.dataSource(),
                new LedgerSigner(identity.keyPair().getPrivate(), identity.certificate()),
                List.of(new GovernanceMember(GovernanceActor.party(HOSPITAL), identity.certificate())), Clock.systemUTC());
        gate = new StudyGate(down);
        assertRefused(StudyProtocol.TRAINING, spec, 284, Reason.LEDGER_UNAVAILABLE);
    }
}
