package org.genovfl.party.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;

/**
 * The demo's training step: the coordinator starts a vertical logistic-regression run on the
 * aligned cohort of a PSI run, and the demo follows it through the coordinator's people API,
 * printing each epoch's validation AUC and log-loss as it is decided, then which epoch was
 * released and why, and the released model's metrics on the test rows (AUC with its 95%
 * confidence interval, log-loss, calibration). Only aggregates cross the API; each party keeps its own
 * coefficients.
 */
final class TrainingDemo {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(20);

    private final DemoNetwork network;
    private final HttpClient http;
    private final DemoConsole console;
    private final ObjectMapper json = new ObjectMapper();

    TrainingDemo(DemoNetwork network, HttpClient http, DemoConsole console) {
        this.network = network;
        this.http = http;
        this.console = console;
    }

    /**
     * Trains on {@code psiRunId}'s cohort of {@code projectId} and prints the progress.
     *
     * @param hyperParameters fields of {@link org.genovfl.vfl.TrainingConfig} to set (seed,
     *     batchSize, learningRate, l2, ...); the others take the defaults
     * @return the run id, or null if the run failed or did not finish in time
     */
    UUID show(UUID projectId, UUID psiRunId, Map<String, Object> hyperParameters)
            throws IOException, InterruptedException {
        Map<String, Object> request = new java.util.HashMap<>(hyperParameters);
        request.put("projectId", projectId);
        request.put("psiRunId", psiRunId);
        console.step("Training: logistic regression under CKKS, the coordinator decrypting masked values only");
        JsonNode started = send(HttpRequest.newBuilder(network.url(PartyRole.COORDINATOR).resolve("/api/training-runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request))), 202);
        String runId = started.path("runId").asText();
        console.line("run %s started", runId);
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        int shown = 0;
        JsonNode run = started;
        while (System.nanoTime() < deadline) {
            run = send(HttpRequest.newBuilder(network.url(PartyRole.COORDINATOR).resolve("/api/training-runs/" + runId))
                    .GET(), 200);
            for (JsonNode epoch : run.path("epochs")) {
                if (epoch.path("epoch").asInt() >= shown) {
                    console.line("epoch %3d  validation AUC %.4f  log-loss %.4f  accuracy %.3f", epoch.path("epoch").asInt(),
                            epoch.path("auc").asDouble(), epoch.path("logLoss").asDouble(),
                            epoch.path("accuracy").asDouble());
                    shown = epoch.path("epoch").asInt() + 1;
                }
            }
            if (!"RUNNING".equals(run.path("status").asText())) {
                break;
            }
            Thread.sleep(500);
        }
        if (!"COMPLETED".equals(run.path("status").asText())) {
            console.line("training did not complete: %s %s", run.path("status").asText(), run.path("error").asText(""));
            return null;
        }
        JsonNode released = run.path("released");
        console.line("stopped: %s", run.path("stopReason").asText());
        console.line("learning rate %.4f (%s)", run.path("config").path("learningRate").asDouble(),
                hyperParameters.containsKey("learningRate")
                        && ((Number) hyperParameters.get("learningRate")).doubleValue() > 0
                        ? "set by the study" : "derived from the parties' eigenvalue bounds");
        console.line("released model (epoch %d; best by validation: epoch %d): validation AUC %.4f (95%% CI %.4f to %.4f)",
                run.path("releasedEpoch").asInt(), run.path("bestEpoch").asInt(), released.path("auc").asDouble(),
                released.path("aucLower").asDouble(), released.path("aucUpper").asDouble());
        JsonNode test = run.path("test");
        if (test.isMissingNode() || test.isNull()) {
            console.line("no test rows: the validation figures above chose the model and are optimistic");
        } else {
            console.line("released model on %d test rows it never saw: AUC %.4f (95%% CI %.4f to %.4f), log-loss %.4f, "
                    + "Brier %.4f", test.path("patients").asInt(), test.path("auc").asDouble(),
                    test.path("aucLower").asDouble(), test.path("aucUpper").asDouble(), test.path("logLoss").asDouble(),
                    test.path("brier").asDouble());
            console.line("  calibration: intercept %.3f, slope %.3f (ideal 0 and 1); references on the same rows: "
                    + "prevalence only log-loss %.4f, the hospital's columns alone AUC %s",
                    test.path("calibrationIntercept").asDouble(), test.path("calibrationSlope").asDouble(),
                    test.path("prevalenceLogLoss").asDouble(), test.path("clinicalOnlyAuc").isNumber()
                            ? String.format(java.util.Locale.ROOT, "%.4f", test.path("clinicalOnlyAuc").asDouble())
                            : "n/a");
        }
        console.line("each party keeps its own coefficients; the coordinator's record holds their hashes (%s)",
                run.path("modelSha256").asText());
        console.done();
        return UUID.fromString(runId);
    }

    private JsonNode send(HttpRequest.Builder request, int expectedStatus) throws IOException, InterruptedException {
        return CoordinatorCalls.send(network, http, request, expectedStatus);
    }
}
