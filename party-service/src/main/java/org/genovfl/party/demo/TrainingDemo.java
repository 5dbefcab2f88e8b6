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
 * printing each epoch's validation AUC and log-loss as it is decided, then the final AUC with
 * its 95% confidence interval. Only aggregates cross the API; each party keeps its own
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
        JsonNode best = run.path("best");
        console.line("stopped: %s", run.path("stopReason").asText());
        console.line("final model (epoch %d): validation AUC %.4f (95%% CI %.4f to %.4f), log-loss %.4f",
                run.path("bestEpoch").asInt(), best.path("auc").asDouble(), best.path("aucLower").asDouble(),
                best.path("aucUpper").asDouble(), best.path("logLoss").asDouble());
        console.line("each party keeps its own coefficients; the coordinator's record holds their hashes (%s)",
                run.path("modelSha256").asText());
        console.done();
        return UUID.fromString(runId);
    }

    private JsonNode send(HttpRequest.Builder request, int expectedStatus) throws IOException, InterruptedException {
        request.header("Authorization", network.authorization(PartyRole.COORDINATOR, "coordinator"));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("coordinator answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
