package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.training.TrainingDataSource;
import org.genovfl.psi.CohortCommitment;
import org.genovfl.psi.IdentifierType;
import org.genovfl.psi.JointCohortCommitment;
import org.genovfl.psi.JointCohortCommitment.Component;
import org.genovfl.vfl.LocalTrainingRun;
import org.genovfl.vfl.TrainingConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One cohort aligned across a hospital and two labs, between real party services (each with
 * its own PostgreSQL) over mutual TLS: real pairwise PSI runs, the joint cohort made from
 * them, training on it; and the refusals and failures that leave no cohort anywhere.
 *
 * <p>The patients are breast_cancer.csv's ({@link TrainingFixture}), with biobank sample
 * ids for table rows 0..399 at the hospital, 100..568 at the first lab and 150..449 at the
 * second (each written differently), so the joint cohort is rows 150..399, less row 160,
 * whose patient withdraws research consent at the hospital after the pairwise runs.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JointCohortNetworkIT {

    static final String HOSPITAL = DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL);
    static final String LAB = DemoNetwork.ORGANISATIONS.get(PartyRole.LAB);
    static final String SECOND_LAB = "Baltic Genome Centre";
    static final TrainingConfig CONFIG = new TrainingConfig(11, 0.2, 128, 2, 0.1, 0.02, 0.9, 1.0, 8, 1e-4, 8.0,
            TrainingConfig.StoppingMetric.AUC);
    static final int WITHDRAWN_ROW = 160;
    static final ObjectMapper JSON = TrainingFixture.JSON;
    /** Another lab's source run, as proposals to the first lab name it. */
    static final UUID OTHER_SOURCE = UUID.randomUUID();

    @TempDir
    static Path directory;

    static ThreePartyNetwork parties;
    static TrainingFixture cohort;
    /** The hospital's pairwise runs with the first and the second lab. */
    static UUID withLab;
    static UUID withSecondLab;

    @BeforeAll
    static void startFourPartiesAndAlignEachLabWithTheHospital() throws Exception {
        // A lab that missed a completion asks the hospital once its cohort has been CONFIRMED
        // this long: seconds here, so that test is short (read at start only).
        System.setProperty("genovfl.psi.idle-timeout", "10s");
        try {
            parties = ThreePartyNetwork.start(directory, List.of(SECOND_LAB));
        } finally {
            System.clearProperty("genovfl.psi.idle-timeout");
        }
        cohort = new TrainingFixture(10, 10, 10);
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB, PartyRole.COORDINATOR)) {
            cohort.seedProject(parties.bean(role, JdbcTemplate.class));
        }
        cohort.seedProject(template(SECOND_LAB));
        cohort.seedHospital(template(HOSPITAL), HOSPITAL);
        cohort.seedLab(template(LAB), LAB, 0);
        cohort.seedLab(template(SECOND_LAB), SECOND_LAB, 1);
        seedBiobankIds(HOSPITAL, 0, 400, "BB-%d");
        seedBiobankIds(LAB, 100, 569, " bb-%d ");
        seedBiobankIds(SECOND_LAB, 150, 450, "ＢＢ-%d");
        withLab = pairwise(cohort.project, LAB);
        withSecondLab = pairwise(cohort.project, SECOND_LAB);
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            parties.close();
        }
    }

    @Test
    @Order(1)
    void shouldAlignOneCohortAcrossTheHospitalAndBothLabsAndTrainOnIt(CapturedOutput output) throws Exception {
        withdrawConsent(HOSPITAL, "H-0" + WITHDRAWN_ROW);
        HttpResponse<String> created = createJointCohort(cohort.project, List.of(withLab, withSecondLab), "admin");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        JsonNode started = JSON.readTree(created.body());
        assertThat(started.get("kind").asText()).isEqualTo("JOINT");
        UUID joint = UUID.fromString(started.get("runId").asText());

        JsonNode hospital = awaitFinished(HOSPITAL, joint);
        assertThat(hospital.get("status").asText()).as(hospital.toString()).isEqualTo("COMPLETED");
        assertThat(hospital.get("intersectionSize").asInt()).isEqualTo(249);
        assertThat(hospital.get("sourceRunIds")).extracting(JsonNode::asText)
                .containsExactly(withLab.toString(), withSecondLab.toString());
        // Completed here; it may still be telling the labs.
        assertThat(hospital.get("progress").get("step").asText()).isIn("COMPLETING", "DONE");
        assertThat(hospital.get("progress").get("total").asInt()).isEqualTo(2);
        JsonNode lab = awaitFinished(LAB, joint);
        JsonNode secondLab = awaitFinished(SECOND_LAB, joint);
        String commitment = hospital.get("cohortCommitment").asText();
        for (JsonNode view : List.of(lab, secondLab)) {
            assertThat(view.get("status").asText()).as(view.toString()).isEqualTo("COMPLETED");
            assertThat(view.get("kind").asText()).isEqualTo("JOINT");
            assertThat(view.get("intersectionSize").asInt()).isEqualTo(249);
            assertThat(view.get("cohortCommitment").asText()).isEqualTo(commitment);
        }

        // A lab asks the hospital how the run ended (as it does when a completion is lost);
        // to a party that is not one of its labs the run does not exist.
        HttpResponse<String> state = parties.get(parties.client(parties.network.issue(SECOND_LAB)),
                parties.url(PartyRole.HOSPITAL, "/peer/psi/runs/" + joint), null);
        assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
        assertThat(JSON.readTree(state.body()).get("cohortCommitment").asText()).isEqualTo(commitment);
        assertThat(parties.get(parties.client(parties.network.issue(DemoNetwork.ORGANISATIONS.get(
                PartyRole.COORDINATOR))), parties.url(PartyRole.HOSPITAL, "/peer/psi/runs/" + joint), null)
                .statusCode()).isEqualTo(422);

        // The same patients in the same rows at the three parties, by the ids each seeded;
        // the hospital's rows keep the order of its run with the first lab.
        List<String> expected = IntStream.range(150, 400).filter(row -> row != WITHDRAWN_ROW)
                .mapToObj(row -> "BB-" + row).toList();
        List<String> rows = biobankIds(HOSPITAL, joint);
        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected)
                .isEqualTo(biobankIds(LAB, joint))
                .isEqualTo(biobankIds(SECOND_LAB, joint))
                .isEqualTo(biobankIds(HOSPITAL, withLab).stream().filter(expected::contains).toList());

        // What an auditor recomputes: each lab's component from its own joint rows, the joint
        // commitment from both, each party's salted local commitment from its rows.
        assertThat(tokens(HOSPITAL, joint)).isEqualTo(tokens(LAB, joint));
        String recomputed = JointCohortCommitment.joint(cohort.project, joint, List.of(
                new Component(withLab, JointCohortCommitment.component(cohort.project, joint, withLab,
                        tokens(LAB, joint))),
                new Component(withSecondLab, JointCohortCommitment.component(cohort.project, joint, withSecondLab,
                        tokens(SECOND_LAB, joint)))));
        assertThat(recomputed).isEqualTo(commitment);
        Map<String, JsonNode> views = Map.of(HOSPITAL, hospital, LAB, lab, SECOND_LAB, secondLab);
        for (String party : List.of(HOSPITAL, LAB, SECOND_LAB)) {
            byte[] salt = db(party).sql("SELECT cohort_salt FROM psi_run WHERE id = ?").param(joint)
                    .query(byte[].class).single();
            String local = views.get(party).get("cohortSha256").asText();
            assertThat(CohortCommitment.local(salt, tokens(party, joint), localIds(party, joint))).as(party)
                    .isEqualTo(local);
            JsonNode audited = JSON.readTree(db(party).sql("""
                    SELECT CAST(payload AS TEXT) FROM audit_outbox
                     WHERE event_type = 'JOINT_COHORT_COMPLETED' AND payload -> 'metadata' ->> 'psiRun' = ?
                    """).param(joint.toString()).query(String.class).single());
            assertThat(audited.get("artifactHashes").get("cohort").asText()).as(party).isEqualTo(commitment);
            assertThat(audited.get("artifactHashes").get("localCohort").asText()).as(party).isEqualTo(local);
            assertThat(audited.get("metadata").get("cohortSize").asText()).isEqualTo("249");
            assertThat(audited.get("metadata").get("sourceRun.0").asText()).isEqualTo(withLab.toString());
            assertThat(audited.get("metadata").get("sourceRun.1").asText()).isEqualTo(withSecondLab.toString());
            PersonalDataScan.assertAuditTrailFreeOfIdentifiers(db(party));
        }

        // Training takes the joint run as its cohort: the coordinator finds the three
        // commitments equal, and the model is the one trained on those rows in one process.
        cohort.psiRun = joint;
        UUID training = cohort.startRun(parties, CONFIG);
        JsonNode run = TrainingFixture.awaitFinished(parties, training);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(parties.bean(PartyRole.COORDINATOR, JdbcClient.class)
                .sql("SELECT cohort_commitment FROM training_run WHERE id = ?").param(training)
                .query(String.class).single()).isEqualTo(commitment);
        assertTrainedOnTableRows(training, localIds(HOSPITAL, joint).stream()
                .mapToInt(id -> Integer.parseInt(id.substring(2))).toArray());

        // Nothing that identifies a patient, nor a commitment, reaches the logs.
        assertThat(output.getAll()).contains("Joint cohort " + joint + " completed")
                .doesNotContain("BB-1", "BB-2", "BB-3", "ＢＢ", "H-0", "L1-0", "L2-0", commitment);
    }

    @Test
    @Order(2)
    void shouldRefuseRunsThatCannotBeSourcesWithProblemDetails() throws Exception {
        // A run that failed: the first lab does not know this project.
        UUID unknownToLabs = UUID.randomUUID();
        db(HOSPITAL).sql("INSERT INTO project (id, name, created_by) VALUES (?, 'Hospital only', 'test')")
                .param(unknownToLabs).update();
        JsonNode failed = awaitFinished(HOSPITAL, startPairwise(unknownToLabs, LAB, "INTERSECTION"));
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        UUID failedRun = UUID.fromString(failed.get("runId").asText());
        // A completed run of another project, a second run with the first lab, a count-only run.
        UUID otherProject = UUID.randomUUID();
        for (String party : List.of(HOSPITAL, LAB)) {
            db(party).sql("INSERT INTO project (id, name, created_by) VALUES (?, 'Other', 'test')")
                    .param(otherProject).update();
        }
        UUID ofOtherProject = pairwise(otherProject, LAB);
        UUID againWithLab = pairwise(cohort.project, LAB);
        UUID countOnly = UUID.fromString(awaitFinished(HOSPITAL,
                startPairwise(cohort.project, SECOND_LAB, "CARDINALITY")).get("runId").asText());

        assertRefused(unknownToLabs, List.of(failedRun, withSecondLab), 409, "not COMPLETED", failedRun);
        assertRefused(cohort.project, List.of(withLab, ofOtherProject), 422, "another project", ofOtherProject);
        assertRefused(cohort.project, List.of(withLab, againWithLab), 422, "a joint cohort takes one run per lab",
                againWithLab);
        assertRefused(cohort.project, List.of(withLab, countOnly), 422, "INTERSECTION mode", countOnly);
        assertRefused(cohort.project, List.of(withLab, withLab), 422, "2 to 16 distinct", null);
        UUID unknown = UUID.randomUUID();
        assertRefused(cohort.project, List.of(withLab, unknown), 404, "no PSI run", unknown);
        assertThat(createJointCohort(cohort.project, List.of(withLab, withSecondLab), "coordinator").statusCode())
                .isEqualTo(403);
        assertThat(db(HOSPITAL).sql("SELECT count(*) FROM psi_run WHERE kind = 'JOINT' AND status <> 'COMPLETED'")
                .query(Long.class).single()).isZero();

        // A lab checks a proposal against its own run with the caller, and refuses with a
        // problem detail, storing nothing: here the test plays the hospital.
        HttpClient asHospital = parties.client(parties.network.issue(HOSPITAL));
        int[] rows = {0, 1, 2};
        String own = JointCohortCommitment.component(cohort.project, UUID.randomUUID(), withLab, new byte[0]);
        List<UUID> refusedRuns = new ArrayList<>();
        Function<Map<String, Object>, JsonNode> propose = changes -> {
            UUID joint = UUID.randomUUID();
            refusedRuns.add(joint);
            return proposeToLab(asHospital, joint, changes);
        };
        assertProblem(propose.apply(Map.of("sourceRunId", withSecondLab)), 422, "PROTOCOL_VIOLATION",
                "no PSI run " + withSecondLab);
        assertProblem(propose.apply(Map.of("sourceRunId", ofOtherProject)), 422, "PROTOCOL_VIOLATION",
                "another project");
        assertProblem(propose.apply(Map.of("rowIndices", new int[] {0, 1, 100_000})), 422, "PROTOCOL_VIOLATION",
                "1 of 3 row indices");
        assertProblem(propose.apply(Map.of("rowIndices", new int[] {0, 1, 1})), 422, "PROTOCOL_VIOLATION",
                "1 of 3 row indices");
        assertProblem(propose.apply(Map.of("ownComponent", own)), 409, "RESULT_MISMATCH", "differs");
        assertProblem(propose.apply(Map.of("sourceRunId", abortedAtLab())), 409, "LOCAL_FAILURE", "not COMPLETED");
        assertThat(db(LAB).sql("SELECT count(*) FROM psi_run WHERE id IN (:ids)").param("ids", refusedRuns)
                .query(Long.class).single()).isZero();
        assertThat(db(LAB).sql("SELECT count(*) FROM aligned_cohort WHERE psi_run_id IN (:ids)")
                .param("ids", refusedRuns).query(Long.class).single()).isZero();

        // A valid proposal is held CONFIRMED, unusable; repeated, it gets the same answer;
        // aborted, its rows are dropped.
        UUID joint = UUID.randomUUID();
        JsonNode first = proposeToLab(asHospital, joint, Map.of("rowIndices", rows));
        assertThat(first.get("cohortSize").asInt()).as(first.toString()).isEqualTo(3);
        assertThat(proposeToLab(asHospital, joint, Map.of("rowIndices", rows))).isEqualTo(first);
        assertThat(status(LAB, joint)).isEqualTo("CONFIRMED");
        assertThat(localIds(LAB, joint)).hasSize(3);
        assertThatThrownBy(() -> parties.bean(PartyRole.LAB, TrainingDataSource.class)
                .load(cohort.project, joint, false)).hasMessageContaining("CONFIRMED, not COMPLETED");
        HttpResponse<String> aborted = ThreePartyNetwork.postJson(asHospital, parties.url(PartyRole.LAB,
                "/peer/psi/runs/" + joint + "/abort"), null, Map.of("reason", "PEER_FAILURE"));
        assertThat(aborted.statusCode()).as(aborted.body()).isEqualTo(200);
        assertThat(status(LAB, joint)).isEqualTo("FAILED");
        assertThat(localIds(LAB, joint)).isEmpty();
    }

    @Test
    @Order(3)
    void shouldFailEverywhereWhenALabRefusesTheComponentOfItsRun(CapturedOutput output) throws Exception {
        // The hospital's copy of its run with the second lab has one token changed, so the
        // component it claims for that run is not the one the second lab computes.
        byte[] tampered = new byte[32];
        Arrays.fill(tampered, (byte) 1);
        String patient = "(SELECT patient_id FROM linkage_identifier WHERE normalised_value = 'BB-200')";
        byte[] original = db(HOSPITAL).sql("SELECT token FROM aligned_cohort WHERE psi_run_id = ? AND patient_id = "
                + patient).param(withSecondLab).query(byte[].class).single();
        db(HOSPITAL).sql("UPDATE aligned_cohort SET token = ? WHERE psi_run_id = ? AND patient_id = " + patient)
                .params(tampered, withSecondLab).update();
        UUID joint;
        try {
            HttpResponse<String> created = createJointCohort(cohort.project, List.of(withLab, withSecondLab), "admin");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            joint = UUID.fromString(JSON.readTree(created.body()).get("runId").asText());
            JsonNode hospital = awaitFinished(HOSPITAL, joint);
            assertThat(hospital.get("status").asText()).isEqualTo("FAILED");
            assertThat(hospital.get("error").asText()).startsWith("PEER_FAILURE").contains(SECOND_LAB)
                    .contains("RESULT_MISMATCH").contains("differs");
        } finally {
            db(HOSPITAL).sql("UPDATE aligned_cohort SET token = ? WHERE psi_run_id = ? AND patient_id = " + patient)
                    .params(original, withSecondLab).update();
        }
        // The first lab had accepted: the hospital told it to drop the cohort. The second
        // stored nothing. No party audited a joint cohort for this run.
        assertThat(awaitFinished(LAB, joint).get("status").asText()).isEqualTo("FAILED");
        assertThat(db(SECOND_LAB).sql("SELECT count(*) FROM psi_run WHERE id = ?").param(joint)
                .query(Long.class).single()).isZero();
        for (String party : List.of(HOSPITAL, LAB, SECOND_LAB)) {
            assertThat(localIds(party, joint)).as(party).isEmpty();
            assertThat(db(party).sql("""
                    SELECT count(*) FROM audit_outbox
                     WHERE event_type = 'JOINT_COHORT_COMPLETED' AND payload -> 'metadata' ->> 'psiRun' = ?
                    """).param(joint.toString()).query(Long.class).single()).as(party).isZero();
        }
        assertThat(output.getAll()).contains("Joint cohort " + joint + " failed")
                .doesNotContain("BB-2", "H-0", "L1-0", "L2-0");
    }

    @Test
    @Order(4)
    void shouldCompleteAtALabThatMissedTheCompletionOnceItAsksTheHospital() throws Exception {
        // The second lab's database fails the step that completes the run, once: to the
        // hospital its completion is lost (a 500), as if the message never arrived.
        JdbcClient secondLab = db(SECOND_LAB);
        secondLab.sql("CREATE FUNCTION lose_completion() RETURNS trigger LANGUAGE plpgsql AS "
                + "$$ BEGIN RAISE EXCEPTION 'completion lost (test)'; END $$").update();
        secondLab.sql("CREATE TRIGGER lose_completion BEFORE UPDATE ON psi_run FOR EACH ROW WHEN "
                + "(OLD.status = 'CONFIRMED' AND NEW.status = 'COMPLETED') EXECUTE FUNCTION lose_completion()").update();
        UUID joint;
        try {
            HttpResponse<String> created = createJointCohort(cohort.project, List.of(withLab, withSecondLab), "admin");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            joint = UUID.fromString(JSON.readTree(created.body()).get("runId").asText());
            assertThat(awaitFinished(HOSPITAL, joint).get("status").asText()).isEqualTo("COMPLETED");
            assertThat(awaitFinished(LAB, joint).get("status").asText()).isEqualTo("COMPLETED");
            awaitHospitalDoneTellingLabs(joint);
            assertThat(status(SECOND_LAB, joint)).isEqualTo("CONFIRMED");
        } finally {
            secondLab.sql("DROP TRIGGER lose_completion ON psi_run").update();
            secondLab.sql("DROP FUNCTION lose_completion()").update();
        }
        // Its sweep asks the hospital how the run ended, finds it COMPLETED with the same
        // commitment, and completes and audits it too.
        JsonNode repaired = awaitFinished(SECOND_LAB, joint);
        assertThat(repaired.get("status").asText()).as(repaired.toString()).isEqualTo("COMPLETED");
        String commitment = awaitFinished(HOSPITAL, joint).get("cohortCommitment").asText();
        assertThat(repaired.get("cohortCommitment").asText()).isEqualTo(commitment);
        assertThat(secondLab.sql("""
                SELECT payload -> 'artifactHashes' ->> 'cohort' FROM audit_outbox
                 WHERE event_type = 'JOINT_COHORT_COMPLETED' AND payload -> 'metadata' ->> 'psiRun' = ?
                """).param(joint.toString()).query(String.class).single()).isEqualTo(commitment);
    }

    /** Waits until the hospital has sent (or tried to send) its completion to every lab. */
    private static void awaitHospitalDoneTellingLabs(UUID joint) throws Exception {
        for (int i = 0; i < 600; i++) {
            if ("DONE".equals(awaitFinished(HOSPITAL, joint).get("progress").get("step").asText())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the hospital never finished telling the labs of joint cohort " + joint);
    }

    /** Runs last: restarts the hospital. */
    @Test
    @Order(5)
    void shouldFailAJointCohortTheHospitalWasBuildingWhenItStopped() throws Exception {
        // As the hospital leaves a joint run whose thread died with the process.
        UUID orphan = UUID.randomUUID();
        db(HOSPITAL).sql("""
                INSERT INTO psi_run (id, project_id, mode, status, role, kind)
                VALUES (?, ?, 'INTERSECTION', 'RUNNING', 'INITIATOR', 'JOINT')
                """).params(orphan, cohort.project).update();
        parties.restart(PartyRole.HOSPITAL);
        JsonNode run = awaitFinished(HOSPITAL, orphan);
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("error").asText()).contains("restarted");
    }

    // ---- helpers ------------------------------------------------------------------------

    private static JdbcClient db(String organisation) {
        return organisation.equals(SECOND_LAB) ? parties.extraLabBean(SECOND_LAB, JdbcClient.class)
                : parties.bean(roleOf(organisation), JdbcClient.class);
    }

    private static JdbcTemplate template(String organisation) {
        return organisation.equals(SECOND_LAB) ? parties.extraLabBean(SECOND_LAB, JdbcTemplate.class)
                : parties.bean(roleOf(organisation), JdbcTemplate.class);
    }

    private static URI url(String organisation, String path) {
        return organisation.equals(SECOND_LAB) ? parties.extraLabUrl(SECOND_LAB, path)
                : parties.url(roleOf(organisation), path);
    }

    private static PartyRole roleOf(String organisation) {
        return organisation.equals(HOSPITAL) ? PartyRole.HOSPITAL : PartyRole.LAB;
    }

    /** A biobank sample id, written as {@code format} shows, for the fixture's patients of table rows [from, to). */
    private static void seedBiobankIds(String organisation, int from, int to, String format) {
        List<Object[]> rows = db(organisation).sql("SELECT id, local_id FROM patient").query((rs, n) ->
                new Object[] {rs.getLong(1), Integer.parseInt(rs.getString(2).substring(
                        rs.getString(2).indexOf('-') + 1))}).list();
        List<Object[]> identifiers = new ArrayList<>();
        for (Object[] row : rows) {
            int tableRow = (Integer) row[1];
            if (tableRow >= from && tableRow < to) {
                identifiers.add(new Object[] {row[0], String.format(format, tableRow)});
            }
        }
        template(organisation).batchUpdate("INSERT INTO linkage_identifier (patient_id, id_type, normalised_value) "
                + "VALUES (?, 'BIOBANK_SAMPLE_ID', ?)", identifiers);
    }

    private static void withdrawConsent(String organisation, String localId) {
        db(organisation).sql("INSERT INTO consent_event (patient_id, status, recorded_at) "
                + "SELECT id, 'WITHDRAWN', now() FROM patient WHERE local_id = ?").param(localId).update();
    }

    /** A pairwise run of the hospital with {@code lab}, completed at both; returns its id. */
    private static UUID pairwise(UUID project, String lab) throws Exception {
        UUID run = startPairwise(project, lab, "INTERSECTION");
        assertThat(awaitFinished(HOSPITAL, run).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(awaitFinished(lab, run).get("status").asText()).isEqualTo("COMPLETED");
        return run;
    }

    private static UUID startPairwise(UUID project, String lab, String mode) throws Exception {
        HttpResponse<String> started = ThreePartyNetwork.postJson(parties.client(null),
                parties.url(PartyRole.HOSPITAL, "/api/psi/runs"), parties.basic(PartyRole.HOSPITAL, "admin"),
                Map.of("projectId", project, "peerOrganisation", lab, "mode", mode));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return UUID.fromString(JSON.readTree(started.body()).get("runId").asText());
    }

    private static HttpResponse<String> createJointCohort(UUID project, List<UUID> sources, String account)
            throws Exception {
        return ThreePartyNetwork.postJson(parties.client(null), parties.url(PartyRole.HOSPITAL,
                "/api/psi/joint-cohorts"), parties.basic(PartyRole.HOSPITAL, account), Map.of("projectId", project, "psiRunIds", sources));
    }

    private static void assertRefused(UUID project, List<UUID> sources, int status, String detail, UUID culprit)
            throws Exception {
        HttpResponse<String> refused = createJointCohort(project, sources, "admin");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(status);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.get("detail").asText()).contains(detail);
        if (culprit != null) {
            assertThat(problem.get("psiRunId").asText()).isEqualTo(culprit.toString());
        }
    }

    /**
     * POSTs to the first lab, as the hospital, a proposal over rows 0..2 of its run with the
     * hospital, with the right components unless {@code changes} says otherwise; returns the answer.
     */
    private static JsonNode proposeToLab(HttpClient asHospital, UUID joint, Map<String, Object> changes) {
        try {
            UUID source = (UUID) changes.getOrDefault("sourceRunId", withLab);
            int[] rows = (int[]) changes.getOrDefault("rowIndices", new int[] {0, 1, 2});
            String own = (String) changes.getOrDefault("ownComponent", JointCohortCommitment.component(
                    cohort.project, joint, withLab, tokensAt(LAB, withLab, new int[] {0, 1, 2})));
            Map<String, Object> proposal = new HashMap<>();
            proposal.put("jointRunId", joint);
            proposal.put("projectId", cohort.project);
            proposal.put("sourceRunId", source);
            proposal.put("rowIndices", rows);
            proposal.put("componentHashes", List.of(Map.of("sourceRunId", source, "sha256", own),
                    Map.of("sourceRunId", OTHER_SOURCE, "sha256", "ab".repeat(32))));
            HttpResponse<String> answer = ThreePartyNetwork.postJson(asHospital,
                    parties.url(PartyRole.LAB, "/peer/psi/joint-cohorts"), null, proposal);
            JsonNode body = JSON.readTree(answer.body());
            return answer.statusCode() == 200 ? body : ((ObjectNode) body)
                    .put("httpStatus", answer.statusCode());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertProblem(JsonNode problem, int status, String reason, String detail) {
        assertThat(problem.path("httpStatus").asInt()).as(problem.toString()).isEqualTo(status);
        assertThat(problem.get("reason").asText()).isEqualTo(reason);
        assertThat(problem.get("detail").asText()).contains(detail);
    }

    /** A pairwise run the test opens at the first lab as the hospital and then aborts: FAILED there. */
    private static UUID abortedAtLab() throws Exception {
        HttpClient asHospital = parties.client(parties.network.issue(HOSPITAL));
        UUID run = UUID.randomUUID();
        HttpResponse<String> invited = ThreePartyNetwork.postJson(asHospital, parties.url(PartyRole.LAB,
                "/peer/psi/runs"), null, Map.of("runId", run, "projectId", cohort.project,
                "identifierType", "BIOBANK_SAMPLE_ID", "mode", "INTERSECTION", "initiatorSetSize", 3));
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(200);
        ThreePartyNetwork.postJson(asHospital, parties.url(PartyRole.LAB, "/peer/psi/runs/" + run + "/abort"), null,
                Map.of("reason", "PEER_FAILURE"));
        assertThat(status(LAB, run)).isEqualTo("FAILED");
        return run;
    }

    private static String status(String organisation, UUID run) {
        return db(organisation).sql("SELECT status FROM psi_run WHERE id = ?").param(run).query(String.class).single();
    }

    private static JsonNode awaitFinished(String organisation, UUID run) throws Exception {
        return parties.awaitPsiRunFinished(url(organisation, "/api/psi/runs/" + run));
    }

    /** The biobank sample id each row's patient was seeded with, normalised, in row order. */
    private static List<String> biobankIds(String organisation, UUID run) {
        return db(organisation).sql("""
                SELECT li.normalised_value FROM aligned_cohort a JOIN linkage_identifier li ON li.patient_id = a.patient_id
                 WHERE a.psi_run_id = ? ORDER BY a.row_index
                """).param(run).query(String.class).list().stream()
                .map(value -> IdentifierType.BIOBANK_SAMPLE_ID.normalise(value).orElseThrow()).toList();
    }

    private static List<String> localIds(String organisation, UUID run) {
        return db(organisation).sql("""
                SELECT p.local_id FROM aligned_cohort a JOIN patient p ON p.id = a.patient_id
                 WHERE a.psi_run_id = ? ORDER BY a.row_index
                """).param(run).query(String.class).list();
    }

    private static byte[] tokens(String organisation, UUID run) {
        ByteArrayOutputStream tokens = new ByteArrayOutputStream();
        db(organisation).sql("SELECT token FROM aligned_cohort WHERE psi_run_id = ? ORDER BY row_index").param(run)
                .query(byte[].class).list().forEach(tokens::writeBytes);
        return tokens.toByteArray();
    }

    private static byte[] tokensAt(String organisation, UUID run, int[] rows) {
        ByteArrayOutputStream tokens = new ByteArrayOutputStream();
        for (int row : rows) {
            tokens.writeBytes(db(organisation).sql("SELECT token FROM aligned_cohort WHERE psi_run_id = ? "
                    + "AND row_index = ?").params(run, row).query(byte[].class).single());
        }
        return tokens.toByteArray();
    }

    /** Each party's released coefficients are those of the same run on these table rows in one process. */
    private static void assertTrainedOnTableRows(UUID training, int[] tableRows) throws Exception {
        double[][] clinical = new double[tableRows.length][];
        double[] labels = new double[tableRows.length];
        List<double[][]> genotypes = new ArrayList<>();
        for (double[][] lab : cohort.genotypes) {
            genotypes.add(new double[tableRows.length][]);
        }
        for (int r = 0; r < tableRows.length; r++) {
            clinical[r] = cohort.clinical[tableRows[r]];
            labels[r] = cohort.labels[tableRows[r]];
            for (int k = 0; k < genotypes.size(); k++) {
                genotypes.get(k)[r] = cohort.genotypes.get(k)[tableRows[r]];
            }
        }
        LocalTrainingRun.Result local = LocalTrainingRun.train(clinical, labels, genotypes, CONFIG, epoch -> { });
        String path = "/api/training-runs/" + training;
        assertThat(TrainingFixture.coefficients(TrainingFixture.view(parties, url(HOSPITAL, path), "admin")))
                .containsExactly(local.hospitalWeights(), within(1e-3));
        assertThat(TrainingFixture.coefficients(TrainingFixture.view(parties, url(LAB, path), "admin")))
                .containsExactly(local.labWeights().get(0), within(1e-3));
        assertThat(TrainingFixture.coefficients(TrainingFixture.view(parties, url(SECOND_LAB, path), "admin")))
                .containsExactly(local.labWeights().get(1), within(1e-3));
    }
}
