package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.training.RoundCheckpointed;
import org.genovfl.party.training.TrainingDataSource;
import org.genovfl.vfl.LocalTrainingRun;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.RoundId;
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
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * Vertical training between three real party services over mutual TLS, on the 569 real
 * patients of breast_cancer.csv: 15 features as clinical observations at the hospital
 * (label as a Condition), 15 discretised into genotype dosages (0/1/2, some missing) at the
 * lab, a project with feature specs and a completed PSI run seeded in each database. The
 * released model then scores patients by vertical inference.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingNetworkIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOSPITAL = DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL);
    static final String LAB = DemoNetwork.ORGANISATIONS.get(PartyRole.LAB);
    /**
     * The breast-cancer settings of vfl-protocol's tests (strong L2 keeps scores inside the
     * cubic's interval), 2 epochs of 3 batches (60% of the 569 rows train, 20% validate, 20%
     * test): short, and the second epoch is the better one.
     */
    static final TrainingConfig CONFIG = new TrainingConfig(7, 0.2, 128, 2, 0.1, 0.02, 0.9, 1.0, 8, 1e-4, 8.0,
            TrainingConfig.StoppingMetric.AUC);

    @TempDir
    static Path directory;

    static ThreePartyNetwork parties;
    /** What every party logs during the tests, scanned for patient identifiers at the end. */
    static CapturedLogs logs;
    static TrainingFixture cohort;
    static UUID project;
    static UUID psiRun;
    static double[][] clinical;
    static double[][] genotypes;
    static double[] labels;
    /** The uninterrupted run, shared by the tests that compare with it. */
    static JsonNode uninterrupted;

    @BeforeAll
    static void startPartiesAndSeedCohort() {
        parties = ThreePartyNetwork.start(directory);
        logs = CapturedLogs.capture(); // after the starts, which reset Logback (a restart drops the capture)
        cohort = new TrainingFixture(15, 15);
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB, PartyRole.COORDINATOR)) {
            cohort.seedProject(parties.bean(role, JdbcTemplate.class));
        }
        cohort.seedHospital(parties.bean(PartyRole.HOSPITAL, JdbcTemplate.class), HOSPITAL);
        cohort.seedLab(parties.bean(PartyRole.LAB, JdbcTemplate.class), LAB, 0);
        cohort.seedAlignedCohort();
        project = cohort.project;
        psiRun = cohort.psiRun;
        clinical = cohort.clinical;
        genotypes = cohort.genotypes.get(0);
        labels = cohort.labels;
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            try {
                PersonalDataScan.assertLogsFreeOfIdentifiers(logs, Set.of(), parties.bean(PartyRole.HOSPITAL, JdbcClient.class),
                        parties.bean(PartyRole.LAB, JdbcClient.class), parties.bean(PartyRole.COORDINATOR, JdbcClient.class));
            } finally {
                parties.close();
            }
        }
    }

    @Test
    void shouldReadEachPartysColumnsInAlignedRowOrder() {
        var hospital = parties.bean(PartyRole.HOSPITAL, TrainingDataSource.class).load(project, psiRun, true);
        var lab = parties.bean(PartyRole.LAB, TrainingDataSource.class).load(project, psiRun, false);
        assertThat(hospital.features()).isDeepEqualTo(clinical);
        assertThat(hospital.labels()).containsExactly(labels);
        assertThat(lab.labels()).isNull();
        for (int r = 0; r < genotypes.length; r++) {
            assertThat(lab.features()[r]).as("row " + r).containsExactly(genotypes[r]);
        }
    }

    /** First, so that its captured output holds the uninterrupted run's log. */
    @Test
    @Order(1)
    void shouldTrainOverMutualTlsAsTheLocalRunDoes(CapturedOutput output) throws Exception {
        JsonNode run = uninterruptedRun();
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.get("epochs")).hasSize(CONFIG.maxEpochs());
        LocalTrainingRun.Result local = LocalTrainingRun.train(clinical, labels, List.<double[][]>of(genotypes), CONFIG, e -> { });
        int best = run.get("bestEpoch").asInt();
        assertThat(best).isEqualTo(local.bestEpoch());
        for (JsonNode epoch : run.get("epochs")) {
            double localAuc = local.epochs().get(epoch.get("epoch").asInt()).validation().auc();
            assertThat(epoch.get("auc").asDouble()).as("epoch " + epoch.get("epoch")).isCloseTo(localAuc, within(1e-3));
        }
        assertThat(run.get("best").get("aucLower").asDouble()).isLessThan(run.get("best").get("auc").asDouble());
        // Honest evaluation: the released epoch is named with its reason, and measured once
        // on the test rows, as the in-process run measures the same released model.
        assertThat(run.get("releasedEpoch").asInt()).isEqualTo(local.releasedEpoch());
        assertThat(run.get("stopReason").asText()).contains("released epoch " + local.releasedEpoch());
        JsonNode test = run.get("test");
        assertThat(test.get("patients").asInt()).isEqualTo(local.test().patients());
        assertThat(test.get("auc").asDouble()).isCloseTo(local.test().auc(), within(1e-3));
        assertThat(test.get("logLoss").asDouble()).isCloseTo(local.test().logLoss(), within(1e-3));
        assertThat(test.get("aucLower").asDouble()).isLessThan(test.get("auc").asDouble());
        assertThat(test.get("calibrationSlope").asDouble()).isFinite();
        assertThat(test.get("calibration")).hasSize(10);

        UUID runId = UUID.fromString(run.get("runId").asText());
        JsonNode hospital = view(PartyRole.HOSPITAL, runId, "admin");
        JsonNode lab = view(PartyRole.LAB, runId, "admin");
        assertThat(coefficients(hospital)).hasSize(16);
        assertThat(coefficients(lab)).hasSize(15);
        // Named columns: each data holder's coefficients carry their columns, and it learns why the run stopped.
        assertThat(hospital.get("stopReason").asText()).isEqualTo(run.get("stopReason").asText());
        assertThat(lab.get("stopReason").asText()).isEqualTo(run.get("stopReason").asText());
        assertThat(hospital.get("namedCoefficients")).hasSize(16);
        assertThat(hospital.get("namedCoefficients").get(15).get("name").asText()).isEqualTo("(intercept)");
        assertThat(hospital.get("namedCoefficients").get(0).get("column").get("code").asText()).isEqualTo("bc-0");
        assertThat(lab.get("namedCoefficients").get(0).get("coefficient").asDouble()).isEqualTo(coefficients(lab)[0]);
        assertThat(lab.get("namedCoefficients").get(0).get("name").asText()).isNotBlank();
        byte[] labFile = db(PartyRole.LAB).sql("SELECT coefficients FROM model WHERE training_run_id = ?")
                .param(runId).query(byte[].class).single();
        assertThat(new String(labFile, StandardCharsets.UTF_8))
                .contains(lab.get("namedCoefficients").get(0).get("name").asText());
        HttpResponse<String> columns = parties.get(parties.client(null),
                parties.url(PartyRole.LAB, "/api/projects/" + project + "/columns"), "admin");
        assertThat(columns.statusCode()).as(columns.body()).isEqualTo(200);
        assertThat(JSON.readTree(columns.body()).get("columns")).hasSize(15);
        assertThat(JSON.readTree(columns.body()).get("interceptLast").asBoolean()).isFalse();
        // Each party's released hash is in the coordinator's record; the coordinator holds no coefficient.
        String coordinatorModel = db(PartyRole.COORDINATOR).sql(
                "SELECT CAST(report AS TEXT) FROM model WHERE training_run_id = ? AND coefficients IS NULL")
                .param(runId).query(String.class).single();
        assertThat(coordinatorModel).contains(hospital.get("modelSha256").asText(), lab.get("modelSha256").asText());
        assertThat(db(PartyRole.COORDINATOR).sql("SELECT secret_key IS NULL FROM training_run WHERE id = ?")
                .param(runId).query(Boolean.class).single()).isTrue();

        // Audit: key setup, every round with its message digests, each release; hashes only.
        int rounds = run.get("roundsCompleted").asInt();
        assertThat(rounds).isEqualTo(batchesPerEpoch() * CONFIG.maxEpochs());
        assertThat(auditCount(PartyRole.COORDINATOR, "KEY_SETUP", runId)).isEqualTo(1);
        assertThat(auditCount(PartyRole.COORDINATOR, "TRAINING_ROUND", runId)).isEqualTo(rounds + CONFIG.maxEpochs());
        for (PartyRole role : PartyRole.values()) {
            if (role != PartyRole.REGULATOR) {
                assertThat(auditCount(role, "MODEL_RELEASED", runId)).as(role.name()).isEqualTo(1);
                // Every release names the cohort both data holders' PSI runs committed to.
                assertThat(db(role).sql("""
                        SELECT payload -> 'artifactHashes' ->> 'cohort' FROM audit_outbox
                         WHERE event_type = 'MODEL_RELEASED' AND payload -> 'metadata' ->> 'trainingRun' = ?
                        """).param(runId.toString()).query(String.class).single()).as(role.name())
                        .isEqualTo(TrainingFixture.COHORT_COMMITMENT);
            }
        }
        String roundAudit = db(PartyRole.COORDINATOR).sql("""
                SELECT CAST(payload -> 'artifactHashes' AS TEXT) FROM audit_outbox
                 WHERE event_type = 'TRAINING_ROUND' AND payload -> 'metadata' ->> 'round' = '0'
                   AND payload -> 'metadata' ->> 'trainingRun' = ?
                """).param(runId.toString()).query(String.class).single();
        assertThat(roundAudit).contains("scores.0", "residuals", "gradient.0", "gradient.hospital");
        assertThat(output.getAll()).contains("Training run " + runId + " round 0 done")
                .contains("Training run " + runId + " completed").doesNotContain("H-0001", "L1-0001");
    }

    @Test
    void shouldResumeAfterEachPartyIsKilledInTurnAndEndWithTheSameModel() throws Exception {
        JsonNode reference = uninterruptedRun();
        // The lab dies right after committing its checkpoint of round 2 and before confirming it:
        // the coordinator retries round 2, the restarted lab restores round 1 and redoes 2. The
        // hospital dies the same way after round 4.
        CountDownLatch labStopped = killAfterCheckpoint(PartyRole.LAB, 2);
        CountDownLatch hospitalStopped = killAfterCheckpoint(PartyRole.HOSPITAL, 4);
        UUID runId = start();
        assertThat(labStopped.await(10, TimeUnit.MINUTES)).as("lab stopped").isTrue();
        parties.restart(PartyRole.LAB);
        assertThat(hospitalStopped.await(10, TimeUnit.MINUTES)).as("hospital stopped").isTrue();
        parties.restart(PartyRole.HOSPITAL);
        // Later in the same run the coordinator goes down too; restarted, it resumes the run from
        // its own database (secret key, round log, epoch decisions).
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM training_round WHERE run_id = ?").param(runId)
                .query(Integer.class).single() < 6 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        // What lets it resume is in its database only sealed under its key file (KeyVault).
        byte[] storedKey = db(PartyRole.COORDINATOR).sql("SELECT secret_key FROM training_run WHERE id = ?")
                .param(runId).query(byte[].class).single();
        assertThat(new String(storedKey, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("GVK1");
        parties.restart(PartyRole.COORDINATOR);
        JsonNode run = awaitFinished(runId);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.get("bestEpoch").asInt()).isEqualTo(reference.get("bestEpoch").asInt());
        UUID referenceId = UUID.fromString(reference.get("runId").asText());
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB)) {
            double[] resumed = coefficients(view(role, runId, "admin"));
            double[] expected = coefficients(view(role, referenceId, "admin"));
            assertThat(resumed).as(role.name()).containsExactly(expected, within(1e-4));
        }
        assertThat(db(PartyRole.LAB).sql("SELECT count(*) FROM training_checkpoint WHERE run_id = ?").param(runId)
                .query(Integer.class).single()).isEqualTo(batchesPerEpoch() * CONFIG.maxEpochs());
    }

    /**
     * Vertical inference with the uninterrupted run's model, on its own cohort and on a later
     * PSI run of 200 of its patients in another order: the hospital (the project's default
     * requester) receives the scores of the plaintext model, and nobody else can read them.
     */
    @Test
    void shouldScoreAlignedPatientsUnderEncryptionForTheRequesterOnly(CapturedOutput output) throws Exception {
        UUID trainingRunId = UUID.fromString(uninterruptedRun().get("runId").asText());
        double[] hospitalModel = coefficients(view(PartyRole.HOSPITAL, trainingRunId, "admin"));
        double[] labModel = coefficients(view(PartyRole.LAB, trainingRunId, "admin"));
        // The model as one party holding all the data would apply it: each party's standardiser
        // is fitted on the training rows of the training cohort, whichever rows are scored later.
        int[] trainingRows = org.genovfl.vfl.CohortSplit.of(labels.length, CONFIG).training();
        var hospitalScaler = org.genovfl.vfl.math.Standardizer.fit(clinical, trainingRows);
        var labScaler = org.genovfl.vfl.math.Standardizer.fit(genotypes, trainingRows);
        int[] laterCohort = new int[200];
        for (int k = 0; k < laterCohort.length; k++) {
            laterCohort[k] = 568 - 2 * k;
        }
        UUID laterPsiRun = cohort.seedPsiRun(laterCohort, "1a".repeat(32));
        Map<UUID, int[]> cohorts = Map.of(psiRun, java.util.stream.IntStream.range(0, labels.length).toArray(),
                laterPsiRun, laterCohort);
        for (Map.Entry<UUID, int[]> cohort : cohorts.entrySet()) {
            int[] rows = cohort.getValue();
            JsonNode run = awaitInference(startInference(trainingRunId, cohort.getKey()));
            assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
            assertThat(run.get("rowCount").asInt()).isEqualTo(rows.length);
            UUID inferenceRunId = UUID.fromString(run.get("runId").asText());

            HttpResponse<String> response = parties.get(parties.client(null),
                    parties.url(PartyRole.HOSPITAL, "/api/inference-runs/" + inferenceRunId + "/scores"), "admin");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode scores = JSON.readTree(response.body()).get("scores");
            assertThat(scores).hasSize(rows.length);
            double[][] x = new double[rows.length][];
            double[][] g = new double[rows.length][];
            for (int k = 0; k < rows.length; k++) {
                x[k] = clinical[rows[k]];
                g[k] = genotypes[rows[k]];
            }
            double[] zHospital = new org.genovfl.vfl.inference.PartyModel(hospitalScaler, hospitalModel, true)
                    .partialScores(x);
            double[] zLab = new org.genovfl.vfl.inference.PartyModel(labScaler, labModel, false).partialScores(g);
            double maxError = 0;
            for (int k = 0; k < rows.length; k++) {
                JsonNode score = scores.get(k);
                assertThat(score.get("rowIndex").asInt()).isEqualTo(k);
                assertThat(score.get("patient").asText()).isEqualTo(String.format("H-%04d", rows[k]));
                double plaintext = org.genovfl.vfl.math.SigmoidPolynomial.sigmoid(zHospital[k] + zLab[k]);
                maxError = Math.max(maxError, Math.abs(score.get("score").asDouble() - plaintext));
            }
            System.out.printf("inference over the network: %d rows; max |encrypted - plaintext| = %.2e%n", rows.length,
                    maxError);
            assertThat(maxError).as("max |encrypted - plaintext|").isLessThan(1e-3);

            // The lab contributed but may not read the scores; nor may another role at the hospital.
            HttpResponse<String> lab = parties.get(parties.client(null),
                    parties.url(PartyRole.LAB, "/api/inference-runs/" + inferenceRunId + "/scores"), "admin");
            assertThat(lab.statusCode()).as(lab.body()).isEqualTo(403);
            assertThat(lab.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(JSON.readTree(lab.body()).get("reason").asText()).isEqualTo("NOT_REQUESTER");
            assertThat(inferenceView(PartyRole.LAB, inferenceRunId).get("role").asText())
                    .isEqualTo("CONTRIBUTOR");
            HttpResponse<String> coordinator = parties.get(parties.client(null),
                    parties.url(PartyRole.HOSPITAL, "/api/inference-runs/" + inferenceRunId + "/scores"), "coordinator");
            assertThat(coordinator.statusCode()).as(coordinator.body()).isIn(401, 403);

            // Audit: every party recorded its part, hashes and counts only.
            assertThat(inferenceEvents(PartyRole.COORDINATOR, inferenceRunId))
                    .containsExactly("INFERENCE_REQUESTED", "INFERENCE_COMPLETED");
            assertThat(inferenceEvents(PartyRole.HOSPITAL, inferenceRunId))
                    .containsExactly("INFERENCE_REQUESTED", "INFERENCE_COMPLETED");
            assertThat(inferenceEvents(PartyRole.LAB, inferenceRunId)).containsExactly("INFERENCE_REQUESTED");
            String completed = db(PartyRole.COORDINATOR).sql("SELECT CAST(payload AS TEXT) FROM audit_outbox "
                    + "WHERE event_type = 'INFERENCE_COMPLETED' AND payload -> 'metadata' ->> 'inferenceRun' = ?")
                    .param(inferenceRunId.toString()).query(String.class).single();
            JsonNode event = JSON.readTree(completed);
            assertThat(event.get("artifactHashes").has("partialScores.0")).as(completed).isTrue();
            assertThat(event.get("artifactHashes").has("scoreSum")).as(completed).isTrue();
            assertThat(event.get("metadata").get("rows").asText()).isEqualTo(Integer.toString(rows.length));
            String requested = db(PartyRole.HOSPITAL).sql("SELECT payload -> 'artifactHashes' ->> 'cohort' FROM "
                    + "audit_outbox WHERE event_type = 'INFERENCE_REQUESTED' AND payload -> 'metadata' ->> "
                    + "'inferenceRun' = ?").param(inferenceRunId.toString()).query(String.class).single();
            assertThat(requested).isEqualTo(cohort.getKey().equals(psiRun) ? TrainingFixture.COHORT_COMMITMENT
                    : "1a".repeat(32));
        }
        assertThat(output.getAll()).contains("patients scored for this party only").doesNotContain("H-0", "L1-0");

        // Rows the two parties did not align together are not scored: their PSI commitments
        // differ, which the coordinator learns from the data holders before any run exists.
        UUID misaligned = cohort.seedPsiRun(laterCohort, "2b".repeat(32));
        db(PartyRole.LAB).sql("UPDATE psi_run SET cohort_commitment = ? WHERE id = ?").params("3c".repeat(32), misaligned)
                .update();
        long runsBefore = db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM inference_run").query(Long.class).single();
        HttpResponse<String> misalignedRefused = post(parties.client(null), PartyRole.COORDINATOR, "/api/inference-runs",
                Map.of("projectId", project, "trainingRunId", trainingRunId, "psiRunId", misaligned), "coordinator");
        assertThat(misalignedRefused.statusCode()).as(misalignedRefused.body()).isEqualTo(409);
        assertThat(misalignedRefused.body()).contains("/psiRunId").contains("commitments do not match");
        assertThat(db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM inference_run").query(Long.class).single())
                .isEqualTo(runsBefore);

        // Only the training run's coordinator may ask a data holder for keys or partial scores.
        HttpClient asLab = parties.clientInsisting(parties.network.issue(LAB));
        UUID runId = UUID.randomUUID();
        HttpResponse<String> refused = post(asLab, PartyRole.HOSPITAL, "/peer/inference/runs/" + runId + "/keys",
                Map.of("runId", runId, "projectId", project, "trainingRunId", trainingRunId, "psiRunId", psiRun,
                        "requester", HOSPITAL, "contributors", List.of(LAB)));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).get("reason").asText()).isEqualTo("WRONG_SENDER");
    }

    @Test
    @Order(2) // before the party restarts, which close the databases the fixture seeds through
    void shouldRefuseToTrainWhenTheDataHoldersHoldDifferentCohorts() throws Exception {
        // The same rows at both, but the lab's PSI run commits to another cohort than the
        // hospital's (a tampered or mixed-up run): the coordinator must not train on it.
        UUID misaligned = cohort.seedPsiRun(java.util.stream.IntStream.range(0, 100).toArray(), "5e".repeat(32));
        db(PartyRole.LAB).sql("UPDATE psi_run SET cohort_commitment = ? WHERE id = ?").params("6f".repeat(32), misaligned)
                .update();
        UUID runId = cohort.startRun(parties, CONFIG, misaligned);
        JsonNode run = awaitFinished(runId);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("error").asText()).contains("PSI commitments differ");
        assertThat(run.get("roundsCompleted").asInt()).isZero();
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB, PartyRole.COORDINATOR)) {
            assertThat(auditCount(role, "MODEL_RELEASED", runId)).as(role.name()).isZero();
        }
    }

    @Test
    void shouldRefuseMessagesFromThePartyTheProtocolDoesNotExpect() throws Exception {
        UUID runId = UUID.fromString(uninterruptedRun().get("runId").asText());
        // A lab may not set up a run at the hospital.
        HttpClient asLab = parties.clientInsisting(parties.network.issue(LAB));
        Map<String, Object> setup = Map.of("runId", runId, "projectId", project, "psiRunId", psiRun,
                "config", CONFIG, "keySetup", Map.of("runId", runId, "parameters", new byte[] {1},
                        "publicKey", new byte[] {1}, "relinKeys", new byte[] {1}, "galoisKeys", new byte[] {1},
                        "featuresPerBlock", 16),
                "participants", Map.of("hospital", HOSPITAL, "labs", List.of(LAB), "coordinator", LAB));
        HttpResponse<String> refused = post(asLab, PartyRole.HOSPITAL, "/peer/training/runs/" + runId + "/setup", setup);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).get("reason").asText()).isEqualTo("WRONG_SENDER");

        // The coordinator may not ask the lab for scores: only the hospital may.
        HttpClient asCoordinator = parties.clientInsisting(parties.network.issue(
                DemoNetwork.ORGANISATIONS.get(PartyRole.COORDINATOR)));
        RoundId round = new RoundId(runId, 0, 0);
        refused = post(asCoordinator, PartyRole.LAB, "/peer/training/runs/" + runId + "/scores",
                Map.of("roundIndex", 0, "round", round));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);

        // The hospital may not have a gradient decrypted for a round that is not open.
        HttpClient asHospital = parties.clientInsisting(parties.network.issue(HOSPITAL));
        refused = post(asHospital, PartyRole.COORDINATOR, "/peer/training/runs/" + runId + "/decrypt",
                new MaskedGradient(round, HOSPITAL, List.of(new byte[] {1, 2, 3})));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).get("reason").asText()).isEqualTo("OUT_OF_ORDER");
    }

    /**
     * A coordinator whose test call timed out retries it; the hospital answers with its first
     * report, since the coordinator decrypts test scores only once (CI saw this under load).
     */
    @Test
    void shouldAnswerARetriedTestStepWithTheFirstReport() throws Exception {
        JsonNode run = uninterruptedRun();
        UUID runId = UUID.fromString(run.get("runId").asText());
        HttpClient asCoordinator = parties.clientInsisting(parties.network.issue(
                DemoNetwork.ORGANISATIONS.get(PartyRole.COORDINATOR)));
        HttpResponse<String> again = post(asCoordinator, PartyRole.HOSPITAL, "/peer/training/runs/" + runId + "/test",
                Map.of("round", RoundId.test(runId, run.get("releasedEpoch").asInt())));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode report = JSON.readTree(again.body());
        assertThat(report.get("auc").asDouble()).isEqualTo(run.get("test").get("auc").asDouble());
        assertThat(report.get("patients").asInt()).isEqualTo(run.get("test").get("patients").asInt());
    }

    /** An inference request naming a PSI run the data holders do not hold is refused on arrival, not failed later. */
    @Test
    void shouldRefuseAnInferenceRunOnAnUnknownPsiRunWhenItArrives() throws Exception {
        UUID trainingRunId = UUID.fromString(uninterruptedRun().get("runId").asText());
        long runsBefore = db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM inference_run").query(Long.class).single();
        UUID unknown = UUID.randomUUID();
        HttpResponse<String> refused = post(parties.client(null), PartyRole.COORDINATOR, "/api/inference-runs",
                Map.of("projectId", project, "trainingRunId", trainingRunId, "psiRunId", unknown), "coordinator");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
        assertThat(refused.body()).contains("/psiRunId").contains(unknown.toString());
        assertThat(db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM inference_run").query(Long.class).single())
                .as("no run was created").isEqualTo(runsBefore);
    }

    @Test
    void shouldGiveTheCoordinatorNoEndpointForAnUnmaskedCiphertext() throws Exception {
        // By design: the coordinator's peer controller takes masked messages only ...
        Class<?> controller = Class.forName("org.genovfl.party.training.CoordinatorPeerController");
        Set<Class<?>> accepted = new HashSet<>();
        for (Method method : controller.getDeclaredMethods()) {
            for (Parameter parameter : method.getParameters()) {
                if (parameter.isAnnotationPresent(RequestBody.class)) {
                    accepted.add(parameter.getType());
                }
            }
        }
        assertThat(accepted).containsExactlyInAnyOrder(MaskedGradient.class, MaskedScores.class);
        // ... and the data holders' endpoints do not exist at the coordinator.
        HttpClient asHospital = parties.clientInsisting(parties.network.issue(HOSPITAL));
        UUID runId = UUID.randomUUID();
        for (String path : List.of("residuals", "scores", "validation-scores", "rounds", "setup")) {
            HttpResponse<String> response = post(asHospital, PartyRole.COORDINATOR,
                    "/peer/training/runs/" + runId + "/" + path,
                    Map.of("roundIndex", 0, "residuals", Map.of("round", new RoundId(runId, 0, 0),
                            "ciphertexts", List.of(new byte[] {1}))));
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(404);
        }
    }

    @Test
    void shouldRefuseARequestNamingTheFieldAtFaultBeforeAnyRunExists() throws Exception {
        int runsBefore = db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM training_run").query(Integer.class).single();
        Map<String, Object> valid = Map.of("projectId", project, "psiRunId", psiRun);

        JsonNode unknownField = refusal(with(valid, "lambda", 0.1), 400);
        assertThat(pointer(unknownField)).isEqualTo("/lambda");
        assertThat(unknownField.get("detail").asText()).contains("unknown field 'lambda'", "l2");

        JsonNode unknownEnum = refusal(with(valid, "stoppingMetric", "AUCPR"), 400);
        assertThat(pointer(unknownEnum)).isEqualTo("/stoppingMetric");
        assertThat(unknownEnum.get("detail").asText()).contains("AUC", "LOG_LOSS");

        JsonNode outOfRange = refusal(with(valid, "momentum", 1.5), 400);
        assertThat(pointer(outOfRange)).isEqualTo("/momentum");
        assertThat(outOfRange.get("detail").asText()).contains("[0, 1)");

        JsonNode missing = refusal(Map.of("psiRunId", psiRun), 400);
        assertThat(pointer(missing)).isEqualTo("/projectId");

        JsonNode unknownPsiRun = refusal(Map.of("projectId", project, "psiRunId", UUID.randomUUID()), 404);
        assertThat(pointer(unknownPsiRun)).isEqualTo("/psiRunId");
        JsonNode unknownProject = refusal(Map.of("projectId", UUID.randomUUID(), "psiRunId", psiRun), 404);
        assertThat(pointer(unknownProject)).isEqualTo("/projectId");
        // Test rows too few for both classes: refused by the hospital at once, before a run exists.
        JsonNode tooFewTestRows = refusal(with(valid, "testFraction", 0.0018), 422);
        assertThat(tooFewTestRows.get("detail").asText()).contains("test rows");

        assertThat(db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM training_run").query(Integer.class).single())
                .isEqualTo(runsBefore);
    }

    @Test
    void shouldFailADivergingRunWithItsReasonAndReleaseNothing() throws Exception {
        // A step about ten times the derived one (0.1 here) on unpenalised data: the scores leave the cubic's interval.
        TrainingConfig diverging = new TrainingConfig(7, 0.2, 128, 4, 1.0, 0, 0.9, 0, 8, 1e-4, 8.0,
                TrainingConfig.StoppingMetric.AUC);
        JsonNode run = awaitFinished(cohort.startRun(parties, diverging));
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("error").asText()).startsWith("diverged");
        assertThat(run.hasNonNull("test")).isFalse();
        UUID runId = UUID.fromString(run.get("runId").asText());
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB)) {
            JsonNode own = view(role, runId, "admin");
            assertThat(own.get("status").asText()).as(role.name()).isEqualTo("FAILED");
            assertThat(own.get("stopReason").asText()).as(role.name()).startsWith("diverged");
            assertThat(own.hasNonNull("coefficients")).as(role.name()).isFalse();
            assertThat(auditCount(role, "MODEL_RELEASED", runId)).as(role.name()).isZero();
        }
    }

    private static int batchesPerEpoch() {
        return org.genovfl.vfl.CohortSplit.of(labels.length, CONFIG).batchesPerEpoch();
    }

    private static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
        return TrainingFixture.with(base, field, value);
    }

    private static JsonNode refusal(Map<String, Object> body, int status) throws Exception {
        return TrainingFixture.problem(post(parties.client(null), PartyRole.COORDINATOR, "/api/training-runs", body,
                "coordinator"), status);
    }

    private static String pointer(JsonNode problem) {
        return TrainingFixture.pointer(problem);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /**
     * Makes {@code role}'s service fail the round right after committing its checkpoint of
     * round {@code round} (so its confirmation is lost) and stop; the latch opens once it stopped.
     */
    private static CountDownLatch killAfterCheckpoint(PartyRole role, int round) {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean killed = new AtomicBoolean();
        parties.context(role).addApplicationListener((ApplicationListener<ApplicationEvent>) event -> {
            if (event instanceof PayloadApplicationEvent<?> payload
                    && payload.getPayload() instanceof RoundCheckpointed checkpointed
                    && checkpointed.roundIndex() == round && killed.compareAndSet(false, true)) {
                new Thread(() -> {
                    parties.stop(role);
                    stopped.countDown();
                }).start();
                throw new IllegalStateException(role + " killed after its checkpoint of round " + round);
            }
        });
        return stopped;
    }

    private static synchronized JsonNode uninterruptedRun() throws Exception {
        if (uninterrupted == null) {
            uninterrupted = awaitFinished(start());
        }
        return uninterrupted;
    }

    private static UUID start() throws Exception {
        return cohort.startRun(parties, CONFIG);
    }

    private static UUID startInference(UUID trainingRunId, UUID psiRunId) throws Exception {
        HttpResponse<String> response = post(parties.client(null), PartyRole.COORDINATOR, "/api/inference-runs",
                Map.of("projectId", project, "trainingRunId", trainingRunId, "psiRunId", psiRunId), "coordinator");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return UUID.fromString(JSON.readTree(response.body()).get("runId").asText());
    }

    private static JsonNode awaitInference(UUID runId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        JsonNode run;
        do {
            Thread.sleep(100);
            run = inferenceView(PartyRole.COORDINATOR, runId);
        } while ("RUNNING".equals(run.get("status").asText()) && Instant.now().isBefore(deadline));
        return run;
    }

    /** An inference run as {@code role}'s people API shows it (coordinator or admin account). */
    private static JsonNode inferenceView(PartyRole role, UUID inferenceRunId) throws Exception {
        HttpResponse<String> response = parties.get(parties.client(null),
                parties.url(role, "/api/inference-runs/" + inferenceRunId),
                role == PartyRole.COORDINATOR ? "coordinator" : "admin");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> inferenceEvents(PartyRole role, UUID inferenceRunId) {
        return db(role).sql("SELECT event_type FROM audit_outbox WHERE project_id = ? "
                + "AND payload -> 'metadata' ->> 'inferenceRun' = ? ORDER BY sequence")
                .params(project, inferenceRunId.toString()).query(String.class).list();
    }

    private static JsonNode awaitFinished(UUID runId) throws Exception {
        return TrainingFixture.awaitFinished(parties, runId);
    }

    private static JsonNode view(PartyRole role, UUID runId, String account) throws Exception {
        return TrainingFixture.view(parties, parties.url(role, "/api/training-runs/" + runId), account);
    }

    private static double[] coefficients(JsonNode view) {
        return TrainingFixture.coefficients(view);
    }

    private static int auditCount(PartyRole role, String type, UUID runId) {
        return db(role).sql("SELECT count(*) FROM audit_outbox WHERE project_id = ? AND event_type = ? "
                + "AND payload -> 'metadata' ->> 'trainingRun' = ?")
                .params(project, type, runId.toString()).query(Integer.class).single();
    }

    private static HttpResponse<String> post(HttpClient client, PartyRole role, String path, Object body)
            throws Exception {
        return post(client, role, path, body, null);
    }

    private static HttpResponse<String> post(HttpClient client, PartyRole role, String path, Object body,
            String account) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(parties.url(role, path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (account != null) {
            request.header("Authorization", parties.network.authorization(role, account));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JdbcClient db(PartyRole role) {
        return parties.bean(role, JdbcClient.class);
    }
}
