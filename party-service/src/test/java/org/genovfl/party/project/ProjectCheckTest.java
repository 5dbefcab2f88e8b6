package org.genovfl.party.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.IngestDatabase;
import org.genovfl.party.project.ProjectSpec.GenomicFeature;
import org.genovfl.party.project.ProjectSpec.Label;
import org.genovfl.party.web.InvalidFieldException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;

/**
 * A project is checked at every party before any party stores it: the check answers the
 * counts a registration would and stores nothing; a label no eligible patient has and a lab
 * whose features match nothing are refused naming the field; problems of the specification
 * name their field as a JSON pointer; each party lists its own columns in coefficient order.
 */
class ProjectCheckTest {

    @TempDir
    static java.nio.file.Path directory;
    static IngestDatabase hospitalDb;
    static IngestDatabase labDb;

    @BeforeAll
    static void start() {
        hospitalDb = new IngestDatabase(directory.resolve("hospital"));
        labDb = new IngestDatabase(directory.resolve("lab"));
        StudyParties.registerIn(hospitalDb, labDb);
        new org.genovfl.party.ingest.fhir.FhirBundleImporter(ca.uhn.fhir.context.FhirContext.forR4Cached(),
                hospitalDb.transactions, hospitalDb.dataSource, hospitalDb.patients)
                .importJson(ProjectRegistrationTest.HOSPITAL_BUNDLE);
        new org.genovfl.party.ingest.vcf.VcfImporter(labDb.transactions,
                new org.genovfl.party.ingest.genomics.GenotypeStore(labDb.dataSource), labDb.patients,
                new org.genovfl.party.ingest.ImportProgress()).importFile(
                        org.genovfl.party.ingest.TestData.file("shapeit4-example/scaffold.vcf.gz"), "scaffold",
                        org.genovfl.party.ingest.vcf.SampleSheet.identity());
    }

    @AfterAll
    static void stop() {
        hospitalDb.close();
        labDb.close();
    }

    @Test
    void shouldCheckWithoutStoringAndRefuseALabelNoEligiblePatientHas() {
        ProjectService hospital = service(hospitalDb, StudyParties.HOSPITAL, PartyRole.HOSPITAL);
        ProjectSpec base = ProjectRegistrationTest.spec("checked");
        ProjectSpec noCase = new ProjectSpec(base.name(), base.description(), base.linkageIdType(), base.hospital(),
                base.labs(), new Label("http://snomed.info/sct", "73211009"), base.consentRequired(),
                base.clinicalFeatures(), base.genomicFeatures(), base.qualityFilters(), null);
        long projects = hospitalDb.count("project");
        long snapshots = hospitalDb.count("consent_snapshot");
        long events = hospitalDb.count("audit_outbox");
        ValidationReport checked = hospital.check(
                new ProjectService.RegistrationRequest(UUID.randomUUID(), noCase, "test"), StudyParties.COORDINATOR);
        assertThat(checked.withLabel()).isZero();
        assertThat(hospitalDb.count("project")).isEqualTo(projects);
        assertThat(hospitalDb.count("consent_snapshot")).isEqualTo(snapshots);
        assertThat(hospitalDb.count("audit_outbox")).isEqualTo(events);
        assertThat(hospitalDb.count("feature_spec")).isZero();
        List<InvalidFieldException.FieldError> refused = ProjectService.blockingProblems(noCase, checked);
        assertThat(refused).extracting(InvalidFieldException.FieldError::pointer).containsExactly("/label");
        assertThat(refused.get(0).detail()).contains("no eligible patient", "73211009");
        // The same study with the label some patients have is not refused.
        ValidationReport usable = hospital.check(
                new ProjectService.RegistrationRequest(UUID.randomUUID(), base, "test"), StudyParties.COORDINATOR);
        assertThat(ProjectService.blockingProblems(base, usable)).isEmpty();
    }

    @Test
    void shouldRefuseALabWhoseFeaturesMatchNothing() {
        ProjectService lab = service(labDb, StudyParties.LAB, PartyRole.LAB);
        ProjectSpec base = ProjectRegistrationTest.spec("nothing here");
        ProjectSpec nowhere = new ProjectSpec(base.name(), base.description(), base.linkageIdType(), base.hospital(),
                base.labs(), base.label(), base.consentRequired(), base.clinicalFeatures(),
                List.of(new GenomicFeature(null, "3:1000-2000", null)), base.qualityFilters(), null);
        ValidationReport checked = lab.check(
                new ProjectService.RegistrationRequest(UUID.randomUUID(), nowhere, "test"), StudyParties.COORDINATOR);
        assertThat(ProjectService.blockingProblems(nowhere, checked))
                .extracting(InvalidFieldException.FieldError::pointer).containsExactly("/genomicFeatures");
        assertThat(labDb.count("feature_spec")).isZero();
    }

    @Test
    void shouldNameEachProblemOfTheSpecificationByItsJsonPointer() {
        assertThat(ProjectService.fieldError("genomicFeatures[2].region: chrom:start-end"))
                .isEqualTo(new InvalidFieldException.FieldError("/genomicFeatures/2/region", "chrom:start-end"));
        assertThat(ProjectService.fieldError("label.code: required (a Condition code)").pointer())
                .isEqualTo("/label/code");
        assertThat(ProjectService.fieldError("clinicalFeatures, genomicFeatures: at least one feature").pointer())
                .isEqualTo("/clinicalFeatures");
        ProjectService coordinator = service(hospitalDb, StudyParties.COORDINATOR, PartyRole.COORDINATOR);
        ProjectSpec broken = new ProjectSpec("x", null, null, StudyParties.HOSPITAL, List.of(StudyParties.LAB),
                null, false, List.of(), List.of(new GenomicFeature(null, "chr1", null)), null, null);
        assertThatThrownBy(() -> coordinator.create(broken, "test"))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.errors()).extracting(InvalidFieldException.FieldError::pointer)
                            .containsExactly("/label/code", "/genomicFeatures/0/region");
                });
    }

    @Test
    void shouldListAPartysOwnColumnsInCoefficientOrder() {
        UUID project = UUID.randomUUID();
        ProjectRegistration registration = StudyParties.registration(labDb, StudyParties.LAB, PartyRole.LAB, directory);
        ValidationReport report = ProjectRegistrationTest.inTransaction(labDb, () -> registration.register(project,
                ProjectRegistrationTest.spec("columns"), "test", StudyParties.COORDINATOR));
        ProjectColumns columns = new ProjectColumns(labDb.jdbc,
                StudyParties.properties(StudyParties.LAB, PartyRole.LAB, directory));
        List<ProjectColumns.Column> listed = columns.ownColumns(project);
        long expected = report.features().stream().filter(f -> f.feature().equals("genomic columns"))
                .mapToLong(ValidationReport.FeatureCount::matched).sum();
        assertThat(listed).hasSize((int) expected).isNotEmpty();
        for (int i = 0; i < listed.size(); i++) {
            ProjectColumns.Column column = listed.get(i);
            assertThat(column.index()).isEqualTo(i);
            assertThat(column.kind()).isEqualTo("GENOMIC");
            assertThat(column.chromosome()).isNotBlank();
            assertThat(column.position()).isPositive();
            assertThat(column.ref()).isNotBlank();
            assertThat(column.alt()).isNotBlank();
            assertThat(column.name()).startsWith(column.code() + " " + column.chromosome() + ":" + column.position());
        }
        assertThat(columns.coefficientNames(project, listed.size(), false)).hasSize(listed.size());
        assertThatThrownBy(() -> columns.ownColumns(UUID.randomUUID())).isInstanceOfSatisfying(
                InvalidFieldException.class, e -> assertThat(e.errors().get(0).pointer()).isEqualTo("/projectId"));
    }

    private static ProjectService service(IngestDatabase db, String organisation, PartyRole role) {
        var properties = StudyParties.properties(organisation, role, directory);
        return new ProjectService(StudyParties.registration(db, organisation, role, directory),
                new org.genovfl.party.audit.AuditOutbox(db.jdbc, properties), null, properties, db.transactions);
    }
}
