package org.genovfl.party.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoStudy.HospitalPatient;
import org.genovfl.vfl.CohortSplit;
import org.genovfl.vfl.inference.PartyModel;
import org.genovfl.vfl.math.SigmoidPolynomial;
import org.genovfl.vfl.math.Standardizer;

/**
 * The demo's inference step: the coordinator has the released model score the aligned
 * patients for the project's requester (the hospital); each party's partial scores are
 * combined under the hospital's fresh key, and only the hospital can read the scores. The
 * demo, which made every party's data, then checks them against the plaintext model and
 * prints the count and the largest difference, never a patient.
 */
final class InferenceDemo {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private final DemoNetwork network;
    private final HttpClient http;
    private final DemoConsole console;
    private final ObjectMapper json = new ObjectMapper();

    InferenceDemo(DemoNetwork network, HttpClient http, DemoConsole console) {
        this.network = network;
        this.http = http;
        this.console = console;
    }

    /** @return false if the run failed or the scores are not the model's */
    boolean show(UUID projectId, UUID trainingRunId, UUID psiRunId, DemoStudy study)
            throws IOException, InterruptedException {
        console.step("Inference: the released model scores the aligned patients for the hospital, under its key");
        JsonNode run = send(PartyRole.COORDINATOR, "/api/inference-runs", "coordinator", Map.of("projectId", projectId,
                "trainingRunId", trainingRunId, "psiRunId", psiRunId), 202);
        String runId = run.path("runId").asText();
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while ("RUNNING".equals(run.path("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            run = send(PartyRole.COORDINATOR, "/api/inference-runs/" + runId, "coordinator", null, 200);
        }
        if (!"COMPLETED".equals(run.path("status").asText())) {
            console.line("inference did not complete: %s %s", run.path("status").asText(), run.path("error").asText(""));
            return false;
        }
        JsonNode scores = send(PartyRole.HOSPITAL, "/api/inference-runs/" + runId + "/scores", "admin", null, 200)
                .path("scores");
        double maxDifference = maxDifferenceFromPlaintext(scores, trainingRunId, study);
        console.line("Inference: %d patients scored at the hospital; max |encrypted - plaintext| = %.1e",
                scores.size(), maxDifference);
        HttpResponse<String> lab = http.send(request(PartyRole.LAB, "/api/inference-runs/" + runId + "/scores",
                "admin").GET().build(), HttpResponse.BodyHandlers.ofString());
        console.line("the lab contributed encrypted partial scores; asking for the scores it gets %d (%s)",
                lab.statusCode(), json.readTree(lab.body()).path("reason").asText());
        console.done();
        return maxDifference < 1e-3 && lab.statusCode() == 403;
    }

    /**
     * The plaintext model on the same rows, as one party holding all the data would apply it:
     * each party's columns standardised with the statistics of the training rows, its
     * released coefficients.
     */
    private double maxDifferenceFromPlaintext(JsonNode scores, UUID trainingRunId, DemoStudy study)
            throws IOException, InterruptedException {
        Map<String, HospitalPatient> patients = new HashMap<>();
        study.hospitalPatients.forEach(p -> patients.put(p.localId(), p));
        double[][] clinical = new double[scores.size()][];
        double[][] genotypes = new double[scores.size()][];
        for (JsonNode score : scores) {
            HospitalPatient patient = patients.get(score.path("patient").asText());
            int row = score.path("rowIndex").asInt();
            clinical[row] = new double[] {patient.age(), patient.bmi()};
            genotypes[row] = study.dosagesBySample.get(patient.sample());
        }
        int[] training = CohortSplit.of(scores.size(), DemoStudy.TRAINING).training();
        double[] hospital = new PartyModel(Standardizer.fit(clinical, training), coefficients(PartyRole.HOSPITAL,
                trainingRunId), true).partialScores(clinical);
        double[] lab = new PartyModel(Standardizer.fit(genotypes, training), coefficients(PartyRole.LAB, trainingRunId),
                false).partialScores(genotypes);
        double max = 0;
        for (JsonNode score : scores) {
            int row = score.path("rowIndex").asInt();
            max = Math.max(max, Math.abs(score.path("score").asDouble()
                    - SigmoidPolynomial.sigmoid(hospital[row] + lab[row])));
        }
        return max;
    }

    private double[] coefficients(PartyRole role, UUID trainingRunId) throws IOException, InterruptedException {
        JsonNode values = send(role, "/api/training-runs/" + trainingRunId, "admin", null, 200).path("coefficients");
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).asDouble();
        }
        return out;
    }

    private JsonNode send(PartyRole role, String path, String account, Object body, int expectedStatus)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(role, path, account);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(role + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json.readTree(response.body());
    }

    private HttpRequest.Builder request(PartyRole role, String path, String account) {
        return HttpRequest.newBuilder(network.url(role).resolve(path)).header("Authorization",
                network.authorization(role, account));
    }
}
