package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A real hospital party service (embedded PostgreSQL, TLS, the embedded ledger): steps
 * record events in the outbox, the relay delivers them, and regulators, and only
 * regulators, read the trail, export it and verify files against it.
 */
class AuditTrailIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] COHORT_FILE = "aligned cohort, row order fixed by PSI\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path directory;
    static DemoNetwork network;
    static ConfigurableApplicationContext hospital;
    static HttpClient https;
    static UUID project = UUID.randomUUID();
    static AuditEvent created;
    static AuditEvent aligned;

    @BeforeAll
    static void startHospitalAndRecordTwoSteps() throws Exception {
        Map<PartyRole, Integer> ports = new EnumMap<>(PartyRole.class);
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            try (ServerSocket socket = new ServerSocket(0)) {
                ports.put(role, socket.getLocalPort());
            }
        }
        network = DemoNetwork.openOrCreate(directory, ports);
        hospital = new SpringApplicationBuilder(PartyServiceApplication.class)
                .properties("spring.config.additional-location=file:" + network.propertiesFile(PartyRole.HOSPITAL),
                        "genovfl.audit.relay.interval=50ms")
                .run();
        https = ThreePartyNetwork.clientTrusting(null,
                DemoCertificateAuthority.load(network.trustStore(), network.trustStorePassword().toCharArray()));

        AuditOutbox outbox = hospital.getBean(AuditOutbox.class);
        TransactionTemplate step = new TransactionTemplate(hospital.getBean(PlatformTransactionManager.class));
        created = step.execute(s -> outbox.record(project, AuditEventType.PROJECT_CREATED,
                Map.of("projectSpec", "a".repeat(64)), Map.of("parties", "3")));
        aligned = step.execute(s -> outbox.record(project, AuditEventType.PSI_COMPLETED,
                Map.of("cohort", sha256(COHORT_FILE)), Map.of("cohortSize", "284")));
        awaitDelivered();
    }

    @AfterAll
    static void stop() {
        if (hospital != null) {
            hospital.close();
        }
    }

    @Test
    void regulatorReadsTheTrailInOrder() throws Exception {
        HttpResponse<String> response = get("/api/projects/" + project + "/audit-trail", "regulator");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode trail = JSON.readTree(response.body());
        assertThat(trail).hasSize(2);
        assertThat(trail.get(0).get("eventId").asText()).isEqualTo(created.eventId().toString());
        assertThat(trail.get(1).get("type").asText()).isEqualTo("PSI_COMPLETED");
        assertThat(trail.get(1).get("artifactHashes").get("cohort").asText()).isEqualTo(sha256(COHORT_FILE));
        assertThat(trail.get(1).get("actingOrganisation").asText()).isEqualTo("St Ada University Hospital");
    }

    @Test
    void onlyRegulatorsReadTheTrail() throws Exception {
        String trail = "/api/projects/" + project + "/audit-trail";
        for (String account : new String[] {"admin", "coordinator"}) {
            HttpResponse<String> refused = get(trail, account);
            assertThat(refused.statusCode()).as(account).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
        }
        assertThat(get(trail, null).statusCode()).isEqualTo(401);
        HttpResponse<String> upload = send(HttpRequest.newBuilder(url("/api/audit/artifact-verifications"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(COHORT_FILE)), "admin");
        assertThat(upload.statusCode()).isEqualTo(403);
    }

    @Test
    void regulatorsCannotWriteToTheTrail() throws Exception {
        String trail = "/api/projects/" + project + "/audit-trail";
        HttpResponse<String> post = send(HttpRequest.newBuilder(url(trail)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")), "regulator");
        HttpResponse<String> delete = send(HttpRequest.newBuilder(url(trail)).DELETE(), "regulator");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(get(trail, "regulator").body())).hasSize(2);
    }

    @Test
    void verifiesAnUploadedFileAgainstTheLedger() throws Exception {
        HttpResponse<String> known = send(HttpRequest.newBuilder(url("/api/audit/artifact-verifications"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(COHORT_FILE)), "regulator");
        assertThat(known.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(known.body());
        assertThat(answer.get("found").asBoolean()).isTrue();
        assertThat(answer.get("sha256").asText()).isEqualTo(sha256(COHORT_FILE));
        assertThat(answer.get("sizeBytes").asLong()).isEqualTo(COHORT_FILE.length);
        assertThat(answer.get("events").get(0).get("eventId").asText()).isEqualTo(aligned.eventId().toString());

        String boundary = "genovfl-" + UUID.randomUUID();
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model.json\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n{\"weights\":[0.1]}\r\n--" + boundary + "--\r\n";
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(url("/api/audit/artifact-verifications"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(form)), "regulator");
        assertThat(unknown.statusCode()).isEqualTo(200);
        JsonNode missing = JSON.readTree(unknown.body());
        assertThat(missing.get("found").asBoolean()).isFalse();
        assertThat(missing.get("sha256").asText()).isEqualTo(sha256("{\"weights\":[0.1]}".getBytes(StandardCharsets.UTF_8)));
        assertThat(missing.get("events")).isEmpty();
    }

    @Test
    void listsProjectsAndLooksUpAHashWithoutUpload() throws Exception {
        JsonNode projects = JSON.readTree(get("/api/audit/projects", "regulator").body());
        assertThat(projects).anySatisfy(p -> {
            assertThat(p.get("projectId").asText()).isEqualTo(project.toString());
            assertThat(p.get("events").asLong()).isEqualTo(2);
            assertThat(p.get("delivered").asLong()).isEqualTo(2);
        });
        JsonNode found = JSON.readTree(get("/api/audit/artifacts/" + sha256(COHORT_FILE).toUpperCase(), "regulator").body());
        assertThat(found.get("found").asBoolean()).isTrue();
        assertThat(found.get("events").get(0).get("type").asText()).isEqualTo("PSI_COMPLETED");
        HttpResponse<String> notAHash = get("/api/audit/artifacts/BB-000123", "regulator");
        assertThat(notAHash.statusCode()).isEqualTo(400);
        assertThat(get("/api/audit/projects", "admin").statusCode()).isEqualTo(403);
    }

    @Test
    void exportsTheTrailAsJsonAndCsv() throws Exception {
        HttpResponse<String> csv = get("/api/projects/" + project + "/audit-trail/export?format=csv", "regulator");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                d -> assertThat(d).contains("attachment").contains("audit-trail-" + project + ".csv"));
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("eventId,projectId,sequence,type");
        assertThat(lines[2]).startsWith(aligned.eventId() + "," + project + ",2,PSI_COMPLETED,\"St Ada University Hospital\"")
                .contains("\"cohort=" + sha256(COHORT_FILE) + "\"").contains("\"cohortSize=284\"");

        HttpResponse<String> json = get("/api/projects/" + project + "/audit-trail/export?format=json", "regulator");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(json.body())).hasSize(2);

        HttpResponse<String> xml = get("/api/projects/" + project + "/audit-trail/export?format=xml", "regulator");
        assertThat(xml.statusCode()).isEqualTo(400);
        assertThat(xml.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void theEmbeddedChainVerifies() throws Exception {
        HttpResponse<String> response = get("/api/audit/ledger-verification", "regulator");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode check = JSON.readTree(response.body());
        assertThat(check.get("intact").asBoolean()).isTrue();
        assertThat(check.get("entriesChecked").asLong()).isGreaterThanOrEqualTo(2);
    }

    private static void awaitDelivered() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode backlog = JSON.readTree(get("/api/audit/outbox", "admin").body());
            if (backlog.get("pending").asLong() == 0 && backlog.get("delivered").asLong() >= 2) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the relay did not deliver the events within 20 s");
    }

    private static URI url(String path) {
        return network.url(PartyRole.HOSPITAL).resolve(path);
    }

    private static HttpResponse<String> get(String path, String account) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url(path)).GET(), account);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String account)
            throws IOException, InterruptedException {
        if (account != null) {
            request.header("Authorization", network.authorization(PartyRole.HOSPITAL, account));
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
