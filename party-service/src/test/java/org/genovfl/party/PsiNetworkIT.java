package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.he.ristretto.BlindingKey;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.psi.BlindedChunkCodec;
import org.genovfl.psi.IdentifierType;
import org.genovfl.psi.PsiMessages.BlindedChunk;
import org.genovfl.psi.PsiMessages.Stage;
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
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            parties.close();
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
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB)) {
            String cohortSha = db(role).sql("SELECT cohort_sha256 FROM psi_run WHERE id = ?").param(runId)
                    .query(String.class).single();
            String audited = db(role).sql("""
                    SELECT payload -> 'artifactHashes' ->> 'cohort' FROM audit_outbox
                     WHERE project_id = ? AND event_type = 'PSI_COMPLETED'
                    """).param(project).query(String.class).single();
            assertThat(audited).as(role + " audit").isEqualTo(cohortSha).hasSize(64);
        }
        // Nothing that identifies a patient, or a blinded value, reaches the logs.
        String confirmation = db(PartyRole.HOSPITAL).sql("SELECT cohort_sha256 FROM psi_run WHERE id = ?")
                .param(runId).query(String.class).single();
        assertThat(output.getAll()).contains("PSI run " + runId + " completed")
                .doesNotContain("BB-1", "bb-1", "BB-2", "H-1", "L-1", confirmation);
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

    /** Runs last: the lab stays down afterwards. */
    @Test
    @Order(Integer.MAX_VALUE)
    void shouldFailWithoutACohortWhenTheLabIsGone() throws Exception {
        UUID project = project();
        seed(PartyRole.HOSPITAL, "GH", 5000, 5010, i -> "BB-" + i);
        parties.stop(PartyRole.LAB);
        JsonNode run = awaitFinished(PartyRole.HOSPITAL, startRun(project, "INTERSECTION", "admin").get("runId").asText());
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("error").asText()).startsWith("PEER_FAILURE").contains("could not be reached");
        assertThat(cohort(PartyRole.HOSPITAL, UUID.fromString(run.get("runId").asText()))).isEmpty();
    }

    // ---- helpers ------------------------------------------------------------------------

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

    private void invite(HttpClient asHospital, UUID project, UUID runId, int size) throws Exception {
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
        long id = db(role).sql("INSERT INTO patient (local_id, source) VALUES (?, 'test') RETURNING id")
                .param(localId).query(Long.class).single();
        db(role).sql("INSERT INTO linkage_identifier (patient_id, id_type, normalised_value) VALUES (?, ?, ?)")
                .param(id).param(type).param(identifier).update();
        db(role).sql("INSERT INTO consent_event (patient_id, status) VALUES (?, 'GRANTED')").param(id).update();
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
        HttpClient person = parties.client(null);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> response = parties.get(person, parties.url(role, "/api/psi/runs/" + runId), "admin");
            JsonNode run = JSON.readTree(response.body());
            if (response.statusCode() == 200 && !"RUNNING".equals(run.get("status").asText())) {
                return run;
            }
            assertThat(System.nanoTime()).as("run %s still running: %s", runId, run).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> post(HttpClient client, URI uri, String account, Object body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri)
                .header("Authorization", ThreePartyNetwork.basic(account, parties.network.password(account)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
