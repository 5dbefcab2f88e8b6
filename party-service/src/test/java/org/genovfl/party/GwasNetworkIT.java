package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.genovfl.party.audit.ArtifactDigest;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.vfl.gwas.GwasMessages.BlockId;
import org.genovfl.vfl.gwas.GwasMessages.RunId;
import org.genovfl.vfl.gwas.GwasMessages.ScanBlock;
import org.genovfl.vfl.gwas.LabGenotypes;
import org.genovfl.vfl.gwas.LocalGwasRun;
import org.genovfl.vfl.gwas.ReleaseRules;
import org.genovfl.vfl.gwas.Trait;
import org.genovfl.vfl.gwas.Variant;
import org.genovfl.vfl.gwas.VariantFilter;
import org.genovfl.vfl.gwas.VariantResult;
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
 * The encrypted GWAS score test between three real party services over mutual TLS, real
 * PostgreSQL and real SEAL: 400 synthetic patients (age and sex as the hospital's clinical
 * columns, a binary outcome with two planted causal variants) and 300 variants at the lab
 * (allele frequencies 0.05 to 0.5, a few rare ones the release rule's minor allele count
 * removes, 0.5% of calls missing). The results across processes must be the in-process
 * {@link LocalGwasRun}'s on the same data.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GwasNetworkIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOSPITAL = DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL);
    static final String LAB = DemoNetwork.ORGANISATIONS.get(PartyRole.LAB);
    static final String COORDINATOR = DemoNetwork.ORGANISATIONS.get(PartyRole.COORDINATOR);
    static final int PATIENTS = 400;
    static final int VARIANTS = 300;
    static final int RARE_EVERY = 60;
    static final int[] CAUSAL = {10, 151};
    static final int ANCESTRY_COMPONENTS = 2;
    /**
     * Two encrypted runs (fresh keys each) against each other: each is within 1.2e-6 of the
     * plaintext score test in vfl-protocol's tests, so they are within about 2.4e-6.
     */
    static final double TOLERANCE = 1e-5;

    @TempDir
    static Path directory;

    static ThreePartyNetwork parties;
    static TrainingFixture cohort;
    static double[][] clinical;
    static double[] labels;
    static double[][] dosagesByVariant;
    static List<Variant> variants;
    static JsonNode completed;

    @BeforeAll
    static void startPartiesAndSeedCohort() {
        Random random = new Random(16);
        clinical = new double[PATIENTS][2];
        labels = new double[PATIENTS];
        double[] frequency = new double[VARIANTS];
        dosagesByVariant = new double[VARIANTS][PATIENTS];
        double[][] rowMajor = new double[PATIENTS][VARIANTS];
        for (int j = 0; j < VARIANTS; j++) {
            frequency[j] = j % RARE_EVERY == 7 ? 0.001 : 0.05 + 0.45 * random.nextDouble();
        }
        for (int i = 0; i < PATIENTS; i++) {
            clinical[i][0] = Math.round(55 + 10 * random.nextGaussian());
            clinical[i][1] = random.nextBoolean() ? 1 : 0;
            for (int j = 0; j < VARIANTS; j++) {
                int dosage = (random.nextDouble() < frequency[j] ? 1 : 0) + (random.nextDouble() < frequency[j] ? 1 : 0);
                rowMajor[i][j] = random.nextDouble() < 0.005 ? Double.NaN : dosage;
                dosagesByVariant[j][i] = rowMajor[i][j];
            }
            double logit = -0.3 + 0.03 * (clinical[i][0] - 55) + 0.4 * clinical[i][1];
            for (int j : CAUSAL) {
                logit += 0.9 * ((Double.isNaN(rowMajor[i][j]) ? 0 : rowMajor[i][j]) - 2 * frequency[j]);
            }
            labels[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        }
        variants = new ArrayList<>();
        for (int j = 0; j < VARIANTS; j++) {
            // As TrainingFixture.seedLab names the lab's variants.
            variants.add(new Variant("1", 5000L + j, j % 2 == 0 ? "rs" + (1000 + j) : "1:" + (5000 + j), "A", "G"));
        }
        parties = ThreePartyNetwork.start(directory);
        cohort = new TrainingFixture(clinical, labels, List.<double[][]>of(rowMajor));
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB, PartyRole.COORDINATOR)) {
            cohort.seedProject(parties.bean(role, JdbcTemplate.class));
        }
        cohort.seedHospital(parties.bean(PartyRole.HOSPITAL, JdbcTemplate.class), HOSPITAL);
        cohort.seedLab(parties.bean(PartyRole.LAB, JdbcTemplate.class), LAB, 0);
        // Registration names the allele each genomic column reads (chrom, pos, REF, ALT).
        db(PartyRole.LAB).sql("""
                UPDATE feature_spec f SET rule = jsonb_build_object('chrom', v.chrom, 'pos', v.pos, 'ref', v.ref,
                                                                    'alt', v.alt)
                  FROM genotype_variant v
                 WHERE f.project_id = ? AND f.kind = 'GENOMIC'
                   AND (v.variant_id = f.code OR v.chrom || ':' || v.pos = f.code)
                """).param(cohort.project).update();
        cohort.seedAlignedCohort();
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            parties.close();
        }
    }

    /** First, so that its captured output holds the scan's log. */
    @Test
    @Order(1)
    void shouldScanAcrossServicesAsTheLocalRunDoesAndReleaseOnlyAtTheCoordinator(CapturedOutput output)
            throws Exception {
        JsonNode scan = completedScan();
        assertThat(scan.get("status").asText()).as(scan.toString()).isEqualTo("COMPLETED");
        UUID scanId = UUID.fromString(scan.get("scanId").asText());

        LocalGwasRun.Outcome local = LocalGwasRun.run(new RunId("local", "reference"), Trait.BINARY, labels, clinical,
                List.of(new LocalGwasRun.LabInput(LAB, new LabGenotypes(variants, dosagesByVariant),
                        ANCESTRY_COMPONENTS)), VariantFilter.ALL, ReleaseRules.DEFAULT);
        Map<String, VariantResult> expected = new HashMap<>();
        local.results().released().forEach(r -> expected.put(r.variant().id(), r));
        // The rare variants fall below the release rule's minor allele count: the lab never scans them.
        assertThat(expected.size()).isLessThan(VARIANTS).isGreaterThanOrEqualTo(VARIANTS - VARIANTS / RARE_EVERY);

        JsonNode results = scan.get("results");
        assertThat(results).hasSize(expected.size());
        double worstP = 0;
        double worstBeta = 0;
        for (JsonNode variant : results) {
            VariantResult reference = expected.get(variant.get("id").asText());
            assertThat(reference).as(variant.toString()).isNotNull();
            assertThat(variant.get("position").asLong()).isEqualTo(reference.variant().position());
            assertThat(variant.get("observations").asInt()).isEqualTo(reference.qc().calledSamples());
            worstP = Math.max(worstP, Math.abs(variant.get("minusLog10P").asDouble() - reference.minusLog10P()));
            worstBeta = Math.max(worstBeta, Math.abs(variant.get("beta").asDouble() - reference.beta())
                    / reference.standardError());
        }
        System.out.printf("GWAS over the network: %d variants; max |delta -log10 p| = %.2e, max |delta beta|/se = %.2e "
                + "against the in-process run%n", results.size(), worstP, worstBeta);
        assertThat(worstP).as("max |delta -log10 p|").isLessThan(TOLERANCE);
        assertThat(worstBeta).as("max |delta beta| / se").isLessThan(TOLERANCE);
        // The same top hits as the in-process run, led by a planted causal variant.
        List<String> top = new ArrayList<>();
        scan.get("topHits").forEach(hit -> top.add(hit.get("id").asText()));
        assertThat(top).containsExactlyElementsOf(local.results().topHits(10).stream().map(r -> r.variant().id())
                .toList());
        assertThat(top.get(0)).isIn(variants.get(CAUSAL[0]).id(), variants.get(CAUSAL[1]).id());
        assertThat(scan.get("lambdaGc").asDouble()).isCloseTo(local.results().lambdaGc(),
                org.assertj.core.api.Assertions.within(1e-4));
        assertThat(scan.get("releasedCount").asInt()).isEqualTo(expected.size());
        JsonNode progress = scan.get("progress");
        assertThat(progress.get("variantsTotal").asInt()).isEqualTo(expected.size());
        assertThat(progress.get("variantsDone").asInt()).isEqualTo(expected.size());
        assertThat(progress.get("blocksDone").asInt()).isEqualTo(1);

        // The summary-statistics file is downloadable by the coordinator, and is what was audited.
        HttpResponse<byte[]> file = parties.client(null).send(java.net.http.HttpRequest.newBuilder(parties.url(
                PartyRole.COORDINATOR, "/api/projects/" + cohort.project + "/gwas-scans/" + scanId
                        + "/summary-statistics")).header("Authorization",
                parties.network.authorization(PartyRole.COORDINATOR, "coordinator")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        String text = new String(file.body(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tOBS_CT\tBETA\tSE\tCHISQ\tP\tLOG10_P");
        assertThat(text.lines().count()).isEqualTo(expected.size() + 1);
        String released = auditPayload(PartyRole.COORDINATOR, "GWAS_RESULTS_RELEASED", scanId);
        assertThat(JSON.readTree(released).get("artifactHashes").get("summaryStatistics").asText())
                .isEqualTo(ArtifactDigest.sha256(file.body())).isEqualTo(scan.get("summarySha256").asText());

        // Audit: each party recorded the start; the hospital's null model is the one the lab
        // received, and the lab's block the one the coordinator decrypted.
        for (PartyRole role : List.of(PartyRole.COORDINATOR, PartyRole.HOSPITAL, PartyRole.LAB)) {
            JsonNode started = JSON.readTree(auditPayload(role, "GWAS_SCAN_STARTED", scanId));
            assertThat(started.get("artifactHashes").get("cohort").asText()).as(role.name())
                    .isEqualTo(TrainingFixture.COHORT_COMMITMENT);
        }
        JsonNode hospitalStart = JSON.readTree(auditPayload(PartyRole.HOSPITAL, "GWAS_SCAN_STARTED", scanId));
        JsonNode labStart = JSON.readTree(auditPayload(PartyRole.LAB, "GWAS_SCAN_STARTED", scanId));
        assertThat(labStart.get("artifactHashes").get("nullModel").asText())
                .isEqualTo(hospitalStart.get("artifactHashes").get("nullModel.0").asText());
        JsonNode coordinatorBlock = JSON.readTree(auditPayload(PartyRole.COORDINATOR, "GWAS_BLOCK", scanId));
        JsonNode labBlock = JSON.readTree(auditPayload(PartyRole.LAB, "GWAS_BLOCK", scanId));
        assertThat(coordinatorBlock.get("artifactHashes")).isEqualTo(labBlock.get("artifactHashes"));
        assertThat(coordinatorBlock.get("artifactHashes").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("score", "variance", "variants");
        assertThat(coordinatorBlock.get("metadata").get("variants").asText()).isEqualTo(Integer.toString(expected.size()));
        PersonalDataScan.assertAuditTrailFreeOfIdentifiers(db(PartyRole.HOSPITAL));
        PersonalDataScan.assertAuditTrailFreeOfIdentifiers(db(PartyRole.LAB));

        // The coordinator holds no genotype, trait or covariate: only the released aggregates.
        for (String table : List.of("patient", "genotype_variant", "genotype_sample", "clinical_observation",
                "clinical_condition", "aligned_cohort")) {
            assertThat(db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM " + table).query(Integer.class).single())
                    .as("coordinator's " + table).isZero();
        }
        assertThat(db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM gwas_result WHERE scan_id = ?").param(scanId)
                .query(Integer.class).single()).isEqualTo(expected.size());

        // The data holders follow their part and see no statistic.
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB)) {
            JsonNode own = view(role, scanId, "admin");
            assertThat(own.get("status").asText()).as(role.name()).isEqualTo("COMPLETED");
            assertThat(own.get("role").asText()).isEqualTo(role.name());
            assertThat(own.has("results")).as(role.name()).isFalse();
            assertThat(own.has("topHits")).as(role.name()).isFalse();
            assertThat(own.get("summarySha256").asText()).isEqualTo(scan.get("summarySha256").asText());
        }
        assertThat(view(PartyRole.LAB, scanId, "admin").get("progress").get("variantsDone").asInt())
                .isEqualTo(expected.size());
        HttpResponse<String> asAdmin = parties.get(parties.client(null), parties.url(PartyRole.COORDINATOR,
                "/api/projects/" + cohort.project + "/gwas-scans/" + scanId), "admin");
        assertThat(asAdmin.statusCode()).isIn(401, 403);
        assertThat(output.getAll()).contains("GWAS scan " + scanId + " completed").doesNotContain("H-0001", "L1-0001");
    }

    @Test
    void shouldRefuseMessagesFromThePartyTheProtocolDoesNotExpect() throws Exception {
        UUID scanId = UUID.fromString(completedScan().get("scanId").asText());
        // A lab may not set up a scan at the hospital.
        HttpClient asLab = parties.clientInsisting(parties.network.issue(LAB));
        UUID fresh = UUID.randomUUID();
        Map<String, Object> setup = Map.of("scanId", fresh, "projectId", cohort.project, "psiRunId", cohort.psiRun,
                "parameters", Map.of("ancestryComponents", 0, "minCohortSize", 50, "minMinorAlleleCount", 5),
                "parties", Map.of("hospital", HOSPITAL, "labs", List.of(LAB), "coordinator", LAB));
        HttpResponse<String> refused = peerPost(asLab, PartyRole.HOSPITAL, "/peer/gwas/scans/" + fresh + "/setup",
                setup);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).get("reason").asText()).isEqualTo("WRONG_SENDER");

        // Only the hospital delivers the null model to a lab; only the coordinator asks a lab for a block.
        HttpClient asCoordinator = parties.clientInsisting(parties.network.issue(COORDINATOR));
        refused = peerPost(asCoordinator, PartyRole.LAB, "/peer/gwas/scans/" + scanId + "/null-model",
                Map.of("run", Map.of("project", cohort.project.toString(), "run", scanId.toString())));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).get("reason").asText()).isEqualTo("WRONG_SENDER");
        HttpClient asHospital = parties.clientInsisting(parties.network.issue(HOSPITAL));
        ScanBlock block = new ScanBlock(new BlockId(new RunId(cohort.project.toString(), scanId.toString()), LAB, 0));
        refused = peerPost(asHospital, PartyRole.LAB, "/peer/gwas/scans/" + scanId + "/blocks", block);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).get("reason").asText()).isEqualTo("WRONG_SENDER");

        // The coordinator has no GWAS endpoint at all: nothing can be pushed to the secret key's holder.
        for (String path : List.of("setup", "keys", "null-model", "ready", "blocks")) {
            HttpResponse<String> response = peerPost(asHospital, PartyRole.COORDINATOR,
                    "/peer/gwas/scans/" + scanId + "/" + path, Map.of());
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(404);
        }
    }

    @Test
    void shouldRefuseABadRequestNamingTheFieldBeforeAnyScanExists() throws Exception {
        int before = db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM gwas_scan").query(Integer.class).single();
        Map<String, Object> valid = Map.of("psiRunId", cohort.psiRun);
        assertThat(pointer(refusal(cohort.project, with(valid, "lambda", 0.1), 400))).isEqualTo("/lambda");
        assertThat(pointer(refusal(cohort.project, Map.of(), 400))).isEqualTo("/psiRunId");
        assertThat(pointer(refusal(cohort.project, with(valid, "ancestryComponents", -1), 400)))
                .isEqualTo("/ancestryComponents");
        assertThat(pointer(refusal(cohort.project, with(valid, "minCohortSize", "many"), 400)))
                .isEqualTo("/minCohortSize");
        assertThat(pointer(refusal(cohort.project, Map.of("psiRunId", UUID.randomUUID()), 404))).isEqualTo("/psiRunId");
        assertThat(pointer(refusal(UUID.randomUUID(), valid, 404))).isEqualTo("/projectId");
        JsonNode tooSmall = refusal(cohort.project, with(valid, "minCohortSize", PATIENTS + 1), 422);
        assertThat(pointer(tooSmall)).isEqualTo("/minCohortSize");
        assertThat(tooSmall.get("detail").asText()).contains(Integer.toString(PATIENTS));
        assertThat(db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM gwas_scan").query(Integer.class).single())
                .isEqualTo(before);
        HttpResponse<String> unknown = parties.get(parties.client(null), parties.url(PartyRole.COORDINATOR,
                "/api/projects/" + cohort.project + "/gwas-scans/" + UUID.randomUUID()), "coordinator");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static synchronized JsonNode completedScan() throws Exception {
        if (completed == null) {
            HttpResponse<String> response = post(cohort.project, Map.of("psiRunId", cohort.psiRun,
                    "ancestryComponents", ANCESTRY_COMPONENTS));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            UUID scanId = UUID.fromString(JSON.readTree(response.body()).get("scanId").asText());
            Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
            JsonNode scan;
            do {
                Thread.sleep(250);
                scan = view(PartyRole.COORDINATOR, scanId, "coordinator");
            } while ("RUNNING".equals(scan.get("status").asText()) && Instant.now().isBefore(deadline));
            completed = scan;
        }
        return completed;
    }

    private static JsonNode view(PartyRole role, UUID scanId, String account) throws Exception {
        return TrainingFixture.view(parties, parties.url(role, "/api/projects/" + cohort.project + "/gwas-scans/"
                + scanId), account);
    }

    private static HttpResponse<String> post(UUID project, Map<String, Object> body) throws Exception {
        return ThreePartyNetwork.postJson(parties.client(null), parties.url(PartyRole.COORDINATOR,
                "/api/projects/" + project + "/gwas-scans"), parties.basic(PartyRole.COORDINATOR, "coordinator"), body);
    }

    private static JsonNode refusal(UUID project, Map<String, Object> body, int status) throws Exception {
        return TrainingFixture.problem(post(project, body), status);
    }

    private static String pointer(JsonNode problem) {
        return TrainingFixture.pointer(problem);
    }

    private static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
        return TrainingFixture.with(base, field, value);
    }

    private static HttpResponse<String> peerPost(HttpClient client, PartyRole role, String path, Object body)
            throws Exception {
        return ThreePartyNetwork.postJson(client, parties.url(role, path), null, body);
    }

    private static String auditPayload(PartyRole role, String type, UUID scanId) {
        return db(role).sql("SELECT CAST(payload AS TEXT) FROM audit_outbox WHERE event_type = ? "
                + "AND payload -> 'metadata' ->> 'gwasScan' = ?").params(type, scanId.toString())
                .query(String.class).single();
    }

    private static JdbcClient db(PartyRole role) {
        return parties.bean(role, JdbcClient.class);
    }
}
