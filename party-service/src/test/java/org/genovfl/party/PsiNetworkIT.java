package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.genovfl.he.ristretto.BlindingKey;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.training.TrainingDataSource;
import org.genovfl.psi.BlindedChunkCodec;
import org.genovfl.psi.CohortCommitment;
import org.genovfl.psi.IdentifierType;
import org.genovfl.psi.LinkageRecord;
import org.genovfl.psi.PsiMessages.BlindedChunk;
import org.genovfl.psi.PsiMessages.Stage;
import org.genovfl.psi.PsiResult;
import org.genovfl.psi.PsiRole;
import org.genovfl.psi.PsiSession;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * PSI between a real hospital and a real lab service (each with its own PostgreSQL) over
 * mutual TLS, and the failures that must leave no cohort behind.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PsiNetworkIT {

    @TempDir
    static Path directory;

    static ThreePartyNetwork parties;
    /** What every party logs during the tests, scanned for patient identifiers at the end. */
    static CapturedLogs logs;
    /** The lab's patient identifiers, read before the last test stops it, for that scan. */
    static Set<String> identifiersOfStoppedLab = Set.of();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOSPITAL = DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL);
    static final String LAB = DemoNetwork.ORGANISATIONS.get(PartyRole.LAB);

    @BeforeAll
    static void startParties() {
        // A short idle timeout, so the test of a silent initiator takes seconds; read at start only.
        System.setProperty("genovfl.psi.idle-timeout", "6s");
        try {
            parties = ThreePartyNetwork.start(directory);
        } finally {
            System.clearProperty("genovfl.psi.idle-timeout");
        }
        logs = CapturedLogs.capture(); // after the starts, which reset Logback
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            try {
                JdbcClient[] running = DemoNetwork.ORGANISATIONS.keySet().stream().filter(role -> parties.context(role) != null)
                        .map(role -> parties.bean(role, JdbcClient.class)).toArray(JdbcClient[]::new);
                PersonalDataScan.assertLogsFreeOfIdentifiers(logs, identifiersOfStoppedLab, running);
            } finally {
                parties.close();
            }
        }
    }

    @Test
    void shouldAlignHalfOverlappingCohortsInTheSameOrderAtBothParties(CapturedOutput output) throws Exception {
        UUID project = project();
        // Hospital: samples 0..199. Lab: samples 100..299, written differently, and sample 150
        // has withdrawn consent at the lab. Sample 120 appears twice at the hospital.
        seed(PartyRole.HOSPITAL, "H", 0, 200, i -> "BB-" + i);
        seedPatient(PartyRole.HOSPITAL, "H-dup", "bb-120");
        seed(PartyRole.LAB, "L", 100, 300, i -> i % 2 == 0 ? " bb-" + i + " " : "ＢＢ-" + i);
        withdrawConsent(PartyRole.LAB, "L-150");

        JsonNode run = awaitFinished(PartyRole.HOSPITAL, startRun(project, "INTERSECTION", "admin").get("runId").asText());
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
        // 100 shared, minus the withdrawn sample and the hospital's duplicated sample.
        assertThat(run.get("intersectionSize").asInt()).isEqualTo(98);
        assertThat(run.get("duplicatesReported").asInt()).isEqualTo(1);
        assertThat(run.get("progress").get("bytesSent").asLong()).isGreaterThan(199L * 64);
        UUID runId = UUID.fromString(run.get("runId").asText());

        List<String> hospitalRows = cohort(PartyRole.HOSPITAL, runId);
        List<String> labRows = cohort(PartyRole.LAB, runId);
        assertThat(hospitalRows).hasSize(98);
        assertThat(hospitalRows.stream().map(id -> id.substring(2)).toList())
                .isEqualTo(labRows.stream().map(id -> id.substring(2)).toList())
                .doesNotContain("150", "120");

        JsonNode labRun = awaitFinished(PartyRole.LAB, runId.toString());
        assertThat(labRun.get("status").asText()).isEqualTo("COMPLETED");

        // Both ledger entries carry the same joint commitment, which each party's stored
        // rows reproduce; each party's salted local commitment is its own.
        String joint = run.get("cohortCommitment").asText();
        assertThat(joint).hasSize(64).isEqualTo(labRun.get("cohortCommitment").asText());
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB)) {
            JsonNode audited = JSON.readTree(db(role).sql("""
                    SELECT payload -> 'artifactHashes' FROM audit_outbox
                     WHERE project_id = ? AND event_type = 'PSI_COMPLETED'
                    """).param(project).query(String.class).single());
            assertThat(audited.get("cohort").asText()).as(role + " audit").isEqualTo(joint);
            assertThat(audited.get("localCohort").asText()).as(role + " audit")
                    .isEqualTo((role == PartyRole.HOSPITAL ? run : labRun).get("cohortSha256").asText());
            assertThat(recomputed(role, project, runId)).containsExactly(joint,
                    audited.get("localCohort").asText());
        }
        assertThat(run.get("cohortSha256").asText()).isNotEqualTo(labRun.get("cohortSha256").asText());
        assertThat(cohortTokens(PartyRole.HOSPITAL, runId)).isEqualTo(cohortTokens(PartyRole.LAB, runId));

        // A tampered cohort no longer matches: the withdrawn patient put in place of row 0 at
        // the lab breaks its local commitment, a row dropped breaks the joint one.
        db(PartyRole.LAB).sql("""
                UPDATE aligned_cohort SET patient_id = (SELECT id FROM patient WHERE local_id = 'L-150')
                 WHERE psi_run_id = ? AND row_index = 0
                """).param(runId).update();
        List<String> replaced = recomputed(PartyRole.LAB, project, runId);
        assertThat(replaced.get(0)).isEqualTo(joint);
        assertThat(replaced.get(1)).isNotEqualTo(labRun.get("cohortSha256").asText());
        db(PartyRole.LAB).sql("DELETE FROM aligned_cohort WHERE psi_run_id = ? AND row_index = 5").param(runId).update();
        assertThat(recomputed(PartyRole.LAB, project, runId).get(0)).isNotEqualTo(joint);

        // Nothing that identifies a patient, or a blinded value, reaches the logs.
        assertThat(output.getAll()).contains("PSI run " + runId + " completed")
                .doesNotContain("BB-1", "bb-1", "BB-2", "H-1", "L-1", joint);
    }

    @Test
    void shouldAnswerARepeatedConfirmationAndLetTheCohortBeUsedOnlyOnceTheInitiatorCompleted() throws Exception {
        try (HandDrivenRun hand = confirmedByHand("RL", 6000, 6020, 6010, 6030)) {
            UUID project = hand.project;
            UUID runId = hand.runId;
            HttpClient asHospital = hand.asHospital;
            HttpResponse<String> first = hand.labsConfirmation;
            // ... and the hospital never hears this answer. The lab holds the cohort, unusable
            // (and would ask the hospital after genovfl.psi.idle-timeout, 6 s here).
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(status(PartyRole.LAB, runId)).isEqualTo("CONFIRMED");
            assertThat(cohort(PartyRole.LAB, runId)).hasSize(10);
            assertThatThrownBy(() -> parties.bean(PartyRole.LAB, TrainingDataSource.class).load(project, runId, false))
                    .hasMessageContaining("CONFIRMED, not COMPLETED");
            assertThat(psiCompletedEvents(PartyRole.LAB, project)).isZero();

            PsiResult result = hand.initiator.intersect();
            HttpResponse<String> again = postJson(asHospital, "/peer/psi/runs/" + runId + "/confirmation",
                    result.confirmation());
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(JSON.readTree(again.body())).isEqualTo(JSON.readTree(first.body()));

            HttpResponse<String> completed = postJson(asHospital, "/peer/psi/runs/" + runId + "/completion",
                    Map.of("runId", runId, "cohortCommitment", result.cohortCommitment()));
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
            assertThat(status(PartyRole.LAB, runId)).isEqualTo("COMPLETED");
            assertThat(postJson(asHospital, "/peer/psi/runs/" + runId + "/completion",
                    Map.of("runId", runId, "cohortCommitment", result.cohortCommitment())).statusCode()).isEqualTo(200);
            assertThat(psiCompletedEvents(PartyRole.LAB, project)).isOne();
            assertThat(db(PartyRole.LAB).sql("""
                    SELECT payload -> 'artifactHashes' ->> 'cohort' FROM audit_outbox
                     WHERE project_id = ? AND event_type = 'PSI_COMPLETED'
                    """).param(project).query(String.class).single()).isEqualTo(result.cohortCommitment());
            // Usable now: loading gets past the run's status (to this test project's lack of features).
            assertThatThrownBy(() -> parties.bean(PartyRole.LAB, TrainingDataSource.class).load(project, runId, false))
                    .hasMessageContaining("defines no feature");
        }
    }

    @Test
    void shouldDropAConfirmedCohortWhenTheInitiatorNeverCompleted() throws Exception {
        UUID project;
        UUID runId;
        try (HandDrivenRun hand = confirmedByHand("UL", 7000, 7020, 7000, 7005)) {
            assertThat(hand.labsConfirmation.statusCode()).isEqualTo(200);
            project = hand.project;
            runId = hand.runId;
        }
        // The completion never comes; the lab asks the real hospital, which never completed
        // (nor knows) this run, and drops the cohort.
        assertFailedWithoutCohort(PartyRole.LAB, runId, "PEER_FAILURE");
        assertThat(db(PartyRole.LAB).sql("SELECT error FROM psi_run WHERE id = ?").param(runId).query(String.class)
                .single()).contains("did not complete");
        assertThat(psiCompletedEvents(PartyRole.LAB, project)).isZero();
    }

    @Test
    void shouldAdmitOnlyPatientsInTheConsentSnapshotWhenTheProjectRequiresConsent() throws Exception {
        // Linked by name and birth date, which no other test uses, so their patients stay out.
        seed(PartyRole.HOSPITAL, "K", 9000, 9010, "NAME_AND_BIRTH_DATE", i -> "Kim P" + i + "|1970-01-31");
        seedPatient(PartyRole.HOSPITAL, "K-9010", "NAME_AND_BIRTH_DATE", "Kim P9010|1970-01-31", false); // never consented
        seed(PartyRole.LAB, "KL", 9000, 9012, "NAME_AND_BIRTH_DATE", i -> "p" + i + ", KIM|1970-01-31");
        // A study needs a case with the label, a value of its clinical feature and a variant its
        // region matches, or every party refuses it before storing it (422).
        db(PartyRole.HOSPITAL).sql("INSERT INTO clinical_condition (patient_id, code_system, code, clinical_status) "
                + "SELECT id, 'http://snomed.info/sct', '254837009', 'active' FROM patient WHERE local_id = 'K-9001'")
                .update();
        db(PartyRole.HOSPITAL).sql("INSERT INTO clinical_observation (patient_id, code_system, code, value_numeric, "
                + "effective_at) SELECT id, 'http://loinc.org', '39156-5', 24.5, now() FROM patient WHERE local_id = 'K-9001'")
                .update();
        UUID dataset = UUID.randomUUID();
        db(PartyRole.LAB).sql("INSERT INTO genotype_dataset (id, name, sample_count, variant_count, status) "
                + "VALUES (?, 'consent study', 0, 1, 'READY')").param(dataset).update();
        db(PartyRole.LAB).sql("INSERT INTO genotype_variant (dataset_id, variant_index, chrom, pos, variant_id, ref, alt, "
                + "dosages) VALUES (?, 0, '20', 1100000, 'rs9000001', 'A', 'G', ?)").param(dataset).param(new byte[0])
                .update();
        String spec = """
                {"name": "Consent study", "linkageIdType": "NAME_AND_BIRTH_DATE", "hospital": "%s", "labs": ["%s"],
                 "label": {"system": "http://snomed.info/sct", "code": "254837009"}, "consentRequired": true,
                 "clinicalFeatures": [{"system": "http://loinc.org", "code": "39156-5", "rule": "LATEST"}],
                 "genomicFeatures": [{"region": "20:1000000-1200000"}]}
                """.formatted(HOSPITAL, LAB);
        HttpResponse<String> created = post(parties.client(null), parties.url(PartyRole.COORDINATOR, "/api/projects"),
                "coordinator", JSON.readTree(spec));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        UUID project = UUID.fromString(JSON.readTree(created.body()).get("projectId").asText());
        // After the snapshot: one patient withdraws (the lab holds that patient too, still
        // consenting there), another consents for the first time.
        withdrawConsent(PartyRole.HOSPITAL, "K-9003");
        seedPatient(PartyRole.HOSPITAL, "K-9011", "NAME_AND_BIRTH_DATE", "Kim P9011|1970-01-31");

        JsonNode run = awaitFinished(PartyRole.HOSPITAL, startRun(project, "INTERSECTION", "admin").get("runId").asText());
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.get("localSetSize").asInt()).isEqualTo(9);
        UUID runId = UUID.fromString(run.get("runId").asText());
        List<String> rows = cohort(PartyRole.HOSPITAL, runId);
        assertThat(rows).hasSize(9).doesNotContain("K-9003", "K-9010", "K-9011");
        assertThat(cohort(PartyRole.LAB, runId)).hasSize(9).doesNotContain("KL-9003", "KL-9010", "KL-9011");
    }

    @Test
    void shouldGiveTheCoordinatorACountAndNoIds() throws Exception {
        // National ids, so the patients other tests seed (by biobank sample id) stay out.
        UUID project = project("NATIONAL_ID");
        seed(PartyRole.HOSPITAL, "CH", 1000, 1050, "NATIONAL_ID", i -> "756." + i);
        seed(PartyRole.LAB, "CL", 1040, 1100, "NATIONAL_ID", i -> "756-" + i);

        HttpResponse<String> refused = post(parties.client(null), parties.url(PartyRole.HOSPITAL, "/api/psi/runs"),
                "coordinator", Map.of("projectId", project, "peerOrganisation", LAB, "mode", "INTERSECTION"));
        assertThat(refused.statusCode()).isEqualTo(403);

        JsonNode run = awaitFinished(PartyRole.HOSPITAL,
                startRun(project, "CARDINALITY", "coordinator").get("runId").asText());
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.get("intersectionSize").asInt()).isEqualTo(10);
        assertThat(run.hasNonNull("cohortSha256")).isFalse();
        UUID runId = UUID.fromString(run.get("runId").asText());
        assertThat(cohort(PartyRole.HOSPITAL, runId)).isEmpty();
        assertThat(cohort(PartyRole.LAB, runId)).isEmpty();
    }

    @Test
    void shouldFailWithoutACohortOnAMalformedPoint() throws Exception {
        UUID project = project();
        seed(PartyRole.LAB, "ML", 2000, 2010, i -> "BB-" + i);
        UUID runId = UUID.randomUUID();
        HttpClient asHospital = parties.client(parties.network.issue(HOSPITAL));
        invite(asHospital, project, runId, 2);

        byte[] points = new byte[64];
        try (BlindingKey key = BlindingKey.generate()) {
            System.arraycopy(key.hashToGroupAndBlind(PsiSession.domainTag(project, IdentifierType.BIOBANK_SAMPLE_ID),
                    List.of("BB-2000".getBytes(StandardCharsets.UTF_8))), 0, points, 0, 32);
        }
        java.util.Arrays.fill(points, 32, 64, (byte) 0xff);
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        var out = BlindedChunkCodec.writer(frames);
        BlindedChunkCodec.write(out, new BlindedChunk(runId, Stage.SINGLY_BLINDED, 0, points));
        BlindedChunkCodec.writeEnd(out, runId, Stage.SINGLY_BLINDED);

        HttpResponse<String> answer = asHospital.send(HttpRequest.newBuilder(parties.url(PartyRole.LAB,
                        "/peer/psi/runs/" + runId + "/singles"))
                .header("Content-Type", BlindedChunkCodec.MEDIA_TYPE)
                .header("Accept", BlindedChunkCodec.MEDIA_TYPE + ", application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(frames.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("reason").asText()).isEqualTo("INVALID_POINT");
        assertThat(problem.get("detail").asText()).contains("element 1");
        assertFailedWithoutCohort(PartyRole.LAB, runId, "INVALID_POINT");
    }

    @Test
    void shouldFailWithoutACohortWhenThePeerDisappearsMidStream() throws Exception {
        UUID project = project();
        seed(PartyRole.LAB, "DL", 3000, 3010, i -> "BB-" + i);
        UUID runId = UUID.randomUUID();
        HttpClient asHospital = parties.client(parties.network.issue(HOSPITAL));
        invite(asHospital, project, runId, 5000);

        // The "hospital" sends a frame header announcing 5000 elements, a little of them,
        // then its connection dies.
        InputStream dying = new InputStream() {
            private final byte[] start = frameHeader(runId, 5000);
            private int position;

            @Override
            public int read() throws IOException {
                if (position < start.length + 100) {
                    return position < start.length ? start[position++] & 0xff : (position++ & 0);
                }
                throw new IOException("connection lost");
            }
        };
        try {
            asHospital.send(HttpRequest.newBuilder(parties.url(PartyRole.LAB, "/peer/psi/runs/" + runId + "/singles"))
                    .header("Content-Type", BlindedChunkCodec.MEDIA_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> dying)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException expected) {
            // the client gives up, as a crashing party would
        }
        assertFailedWithoutCohort(PartyRole.LAB, runId, "PEER_FAILURE");
    }

    @Test
    void shouldFailWithoutACohortWhenTheInitiatorFallsSilent() throws Exception {
        UUID project = project();
        seed(PartyRole.LAB, "SL", 4000, 4010, i -> "BB-" + i);
        UUID runId = UUID.randomUUID();
        invite(parties.client(parties.network.issue(HOSPITAL)), project, runId, 10);
        // ... and never sends its set: the lab's session times out and is wiped.
        assertFailedWithoutCohort(PartyRole.LAB, runId, "PEER_FAILURE");
        assertThat(db(PartyRole.LAB).sql("SELECT error FROM psi_run WHERE id = ?").param(runId).query(String.class)
                .single()).contains("stopped answering");
    }

    @Test
    void shouldKeepNoCohortAtTheHospitalWhenTheLabFailsToStoreItsOwn() throws Exception {
        UUID project = project("NATIONAL_ID");
        seed(PartyRole.HOSPITAL, "FH", 7000, 7020, "NATIONAL_ID", i -> "756.0000." + i);
        seed(PartyRole.LAB, "FL", 7010, 7030, "NATIONAL_ID", i -> "7560000" + i);
        // The hospital writes its cohort while the lab stores its own and answers the
        // confirmation: when the lab's storing fails, the hospital's rows must go too.
        JdbcClient lab = db(PartyRole.LAB);
        lab.sql("CREATE FUNCTION refuse_cohort() RETURNS trigger LANGUAGE plpgsql AS "
                + "$$ BEGIN RAISE EXCEPTION 'no space left on device (test)'; END $$").update();
        lab.sql("CREATE TRIGGER refuse_cohort BEFORE INSERT ON aligned_cohort "
                + "FOR EACH STATEMENT EXECUTE FUNCTION refuse_cohort()").update();
        try {
            JsonNode run = awaitFinished(PartyRole.HOSPITAL,
                    startRun(project, "INTERSECTION", "admin").get("runId").asText());
            UUID runId = UUID.fromString(run.get("runId").asText());
            assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
            assertThat(run.get("error").asText()).startsWith("PEER_FAILURE");
            assertThat(cohort(PartyRole.HOSPITAL, runId)).isEmpty();
            assertFailedWithoutCohort(PartyRole.LAB, runId, "LOCAL_FAILURE");
            assertThat(psiCompletedEvents(PartyRole.HOSPITAL, project)).isZero();
        } finally {
            lab.sql("DROP TRIGGER refuse_cohort ON aligned_cohort").update();
            lab.sql("DROP FUNCTION refuse_cohort()").update();
            // Other tests count every patient linked by national id.
            for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB)) {
                db(role).sql("DELETE FROM linkage_identifier WHERE patient_id IN "
                        + "(SELECT id FROM patient WHERE local_id LIKE 'F_-70__')").update();
            }
        }
    }

    /** Runs last: the lab stays down afterwards. */
    @Test
    @Order(Integer.MAX_VALUE)
    void shouldFailWithoutACohortWhenTheLabIsGone() throws Exception {
        UUID project = project();
        seed(PartyRole.HOSPITAL, "GH", 5000, 5010, i -> "BB-" + i);
        identifiersOfStoppedLab = PersonalDataScan.identifiers(db(PartyRole.LAB));
        parties.stop(PartyRole.LAB);
        JsonNode run = awaitFinished(PartyRole.HOSPITAL, startRun(project, "INTERSECTION", "admin").get("runId").asText());
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("error").asText()).startsWith("PEER_FAILURE").contains("could not be reached");
        assertThat(cohort(PartyRole.HOSPITAL, UUID.fromString(run.get("runId").asText()))).isEmpty();
    }

    // ---- helpers ------------------------------------------------------------------------

    /** A run in which the test plays the hospital with a real session, moving messages by hand. */
    private record HandDrivenRun(UUID project, UUID runId, HttpClient asHospital, PsiSession initiator,
            HttpResponse<String> labsConfirmation) implements AutoCloseable {
        @Override
        public void close() {
            initiator.close();
        }
    }

    /**
     * Seeds the lab with samples [labFrom, labTo) in a new project, then sends messages 1 to 7
     * as a hospital holding samples [from, to); the lab's answer to the confirmation is kept.
     */
    private static HandDrivenRun confirmedByHand(String labPrefix, int labFrom, int labTo, int from, int to)
            throws Exception {
        UUID project = project();
        seed(PartyRole.LAB, labPrefix, labFrom, labTo, i -> "BB-" + i);
        UUID runId = UUID.randomUUID();
        HttpClient asHospital = parties.client(parties.network.issue(HOSPITAL));
        List<LinkageRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(new LinkageRecord(i, "BB-" + i));
        }
        PsiSession initiator = PsiSession.builder().runId(runId).projectId(project)
                .identifierType(IdentifierType.BIOBANK_SAMPLE_ID).role(PsiRole.INITIATOR).records(records).build();
        return new HandDrivenRun(project, runId, asHospital, initiator,
                confirmByHand(asHospital, project, runId, initiator));
    }

    /** Messages 1 to 7 to the lab, as the hospital; returns the lab's answer to the confirmation. */
    private static HttpResponse<String> confirmByHand(HttpClient asHospital, UUID project, UUID runId,
            PsiSession initiator) throws Exception {
        invite(asHospital, project, runId, initiator.localSetSize());
        initiator.peerSetSize(db(PartyRole.LAB).sql("SELECT local_set_size FROM psi_run WHERE id = ?").param(runId)
                .query(Integer.class).single());
        for (String stage : List.of("singles", "doubles")) {
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            var out = BlindedChunkCodec.writer(frames);
            Stage sent = stage.equals("singles") ? Stage.SINGLY_BLINDED : Stage.DOUBLY_BLINDED;
            for (BlindedChunk chunk; (chunk = initiator.nextOutgoing()) != null; ) {
                BlindedChunkCodec.write(out, chunk);
            }
            BlindedChunkCodec.writeEnd(out, runId, sent);
            HttpResponse<InputStream> answer = asHospital.send(HttpRequest.newBuilder(parties.url(PartyRole.LAB,
                            "/peer/psi/runs/" + runId + "/" + stage))
                    .header("Content-Type", BlindedChunkCodec.MEDIA_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(frames.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(answer.statusCode()).isEqualTo(200);
            var in = BlindedChunkCodec.reader(answer.body());
            for (BlindedChunk chunk; (chunk = BlindedChunkCodec.read(in, runId, 1 << 16)) != null; ) {
                initiator.receive(chunk);
            }
        }
        return postJson(asHospital, "/peer/psi/runs/" + runId + "/confirmation", initiator.intersect().confirmation());
    }

    private static HttpResponse<String> postJson(HttpClient asHospital, String path, Object body) throws Exception {
        return asHospital.send(HttpRequest.newBuilder(parties.url(PartyRole.LAB, path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String status(PartyRole role, UUID runId) {
        return db(role).sql("SELECT status FROM psi_run WHERE id = ?").param(runId).query(String.class).single();
    }

    private static long psiCompletedEvents(PartyRole role, UUID project) {
        return db(role).sql("SELECT count(*) FROM audit_outbox WHERE project_id = ? AND event_type = 'PSI_COMPLETED'")
                .param(project).query(Long.class).single();
    }

    private static byte[] cohortTokens(PartyRole role, UUID runId) {
        ByteArrayOutputStream tokens = new ByteArrayOutputStream();
        db(role).sql("SELECT token FROM aligned_cohort WHERE psi_run_id = ? ORDER BY row_index").param(runId)
                .query(byte[].class).list().forEach(tokens::writeBytes);
        return tokens.toByteArray();
    }

    /** What an auditor recomputes from a party's stored cohort: the joint and the local commitment. */
    private static List<String> recomputed(PartyRole role, UUID project, UUID runId) {
        byte[] salt = db(role).sql("SELECT cohort_salt FROM psi_run WHERE id = ?").param(runId)
                .query(byte[].class).single();
        byte[] tokens = cohortTokens(role, runId);
        return List.of(CohortCommitment.joint(project, runId, tokens),
                CohortCommitment.local(salt, tokens, cohort(role, runId)));
    }

    private static byte[] frameHeader(UUID runId, int count) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new java.io.DataOutputStream(bytes)) {
            out.writeLong(runId.getMostSignificantBits());
            out.writeLong(runId.getLeastSignificantBits());
            out.writeByte(Stage.SINGLY_BLINDED.ordinal());
            out.writeInt(0);
            out.writeInt(count);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static void invite(HttpClient asHospital, UUID project, UUID runId, int size) throws Exception {
        HttpResponse<String> accepted = asHospital.send(HttpRequest.newBuilder(parties.url(PartyRole.LAB, "/peer/psi/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("runId", runId,
                        "projectId", project, "identifierType", "BIOBANK_SAMPLE_ID", "mode", "INTERSECTION",
                        "initiatorSetSize", size))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    }

    private void assertFailedWithoutCohort(PartyRole role, UUID runId, String reason) throws InterruptedException {
        String status = null;
        for (int i = 0; i < 300 && !"FAILED".equals(status); i++) {
            Thread.sleep(100);
            status = db(role).sql("SELECT status FROM psi_run WHERE id = ?").param(runId).query(String.class).single();
        }
        assertThat(status).isEqualTo("FAILED");
        assertThat(db(role).sql("SELECT error FROM psi_run WHERE id = ?").param(runId).query(String.class).single())
                .startsWith(reason);
        assertThat(cohort(role, runId)).isEmpty();
    }

    private static JdbcClient db(PartyRole role) {
        return parties.bean(role, JdbcClient.class);
    }

    /** A project both data holders know, matching on biobank sample ids. */
    private static UUID project() {
        return project("BIOBANK_SAMPLE_ID");
    }

    private static UUID project(String linkageType) {
        UUID id = UUID.randomUUID();
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB)) {
            db(role).sql("INSERT INTO project (id, name, created_by, linkage_id_type) VALUES (?, 'PSI test', 'test', ?)")
                    .param(id).param(linkageType).update();
        }
        return id;
    }

    private interface Identifier {
        String of(int sample);
    }

    private static void seed(PartyRole role, String prefix, int from, int to, Identifier identifier) {
        seed(role, prefix, from, to, "BIOBANK_SAMPLE_ID", identifier);
    }

    private static void seed(PartyRole role, String prefix, int from, int to, String type, Identifier identifier) {
        // One transaction: hundreds of single-row commits would each wait for the disk.
        parties.bean(role, TransactionTemplate.class).executeWithoutResult(status -> {
            for (int i = from; i < to; i++) {
                seedPatient(role, prefix + "-" + i, type, identifier.of(i));
            }
        });
    }

    private static void seedPatient(PartyRole role, String localId, String identifier) {
        seedPatient(role, localId, "BIOBANK_SAMPLE_ID", identifier);
    }

    private static void seedPatient(PartyRole role, String localId, String type, String identifier) {
        seedPatient(role, localId, type, identifier, true);
    }

    private static void seedPatient(PartyRole role, String localId, String type, String identifier, boolean consented) {
        long id = db(role).sql("INSERT INTO patient (local_id, source) VALUES (?, 'test') RETURNING id")
                .param(localId).query(Long.class).single();
        db(role).sql("INSERT INTO linkage_identifier (patient_id, id_type, normalised_value) VALUES (?, ?, ?)")
                .param(id).param(type).param(identifier).update();
        if (consented) {
            db(role).sql("INSERT INTO consent_event (patient_id, status) VALUES (?, 'GRANTED')").param(id).update();
        }
    }

    private static void withdrawConsent(PartyRole role, String localId) {
        db(role).sql("INSERT INTO consent_event (patient_id, status, recorded_at) "
                + "SELECT id, 'WITHDRAWN', now() + interval '1 second' FROM patient WHERE local_id = ?")
                .param(localId).update();
    }

    private static List<String> cohort(PartyRole role, UUID runId) {
        return db(role).sql("""
                SELECT p.local_id FROM aligned_cohort a JOIN patient p ON p.id = a.patient_id
                 WHERE a.psi_run_id = ? ORDER BY a.row_index
                """).param(runId).query(String.class).list();
    }

    private static JsonNode startRun(UUID project, String mode, String account) throws Exception {
        HttpResponse<String> response = post(parties.client(null), parties.url(PartyRole.HOSPITAL, "/api/psi/runs"),
                account, Map.of("projectId", project, "peerOrganisation", LAB, "mode", mode));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    private static JsonNode awaitFinished(PartyRole role, String runId) throws Exception {
        return parties.awaitPsiRunFinished(parties.url(role, "/api/psi/runs/" + runId));
    }

    private static HttpResponse<String> post(HttpClient client, URI uri, String account, Object body) throws Exception {
        return ThreePartyNetwork.postJson(client, uri, parties.basic(uri, account), body);
    }
}
