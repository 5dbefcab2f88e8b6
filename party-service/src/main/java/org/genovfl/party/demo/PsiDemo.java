package org.genovfl.party.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;

/**
 * The demo's PSI step: the hospital's admin aligns a project's patients with the lab's by
 * private set intersection, and the demo prints what each party learnt (sizes only). Call
 * it once both parties hold the project and its patients.
 */
final class PsiDemo {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private final DemoNetwork network;
    private final HttpClient http;
    private final DemoConsole console;
    private final ObjectMapper json = new ObjectMapper();

    PsiDemo(DemoNetwork network, HttpClient http, DemoConsole console) {
        this.network = network;
        this.http = http;
        this.console = console;
    }

    /**
     * Runs PSI for {@code projectId} between the hospital (initiator) and the lab.
     *
     * @return the run id, or null if the run failed (the reason is printed)
     */
    UUID align(UUID projectId) throws IOException, InterruptedException {
        console.step("Private set intersection: the hospital and the lab align their shared patients");
        String lab = DemoNetwork.ORGANISATIONS.get(PartyRole.LAB);
        HttpResponse<String> started = http.send(request(PartyRole.HOSPITAL, "/api/psi/runs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(
                        Map.of("projectId", projectId, "peerOrganisation", lab))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            console.line("PSI refused (%d): %s", started.statusCode(), started.body());
            return null;
        }
        String runId = json.readTree(started.body()).path("runId").asText();
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        // The cohort is usable once both completed: the lab completes when the hospital tells it.
        JsonNode run = finished(PartyRole.HOSPITAL, runId, deadline);
        JsonNode labRun = finished(PartyRole.LAB, runId, deadline);
        for (JsonNode party : List.of(run, labRun)) {
            if (!"COMPLETED".equals(party.path("status").asText())) {
                console.line("PSI run %s did not complete: %s", runId, party.path("error").asText(party.toString()));
                return null;
            }
        }
        console.line("run %s: hospital offered %d identifiers, lab %d", runId, run.path("localSetSize").asInt(),
                labRun.path("localSetSize").asInt());
        console.line("intersection: %d shared patients, in the same row order at both parties",
                run.path("intersectionSize").asInt());
        console.line("joint cohort commitment (audited by both): hospital %s, lab %s",
                run.path("cohortCommitment").asText(), labRun.path("cohortCommitment").asText());
        console.done();
        return UUID.fromString(runId);
    }

    private JsonNode finished(PartyRole role, String runId, long deadline) throws IOException, InterruptedException {
        JsonNode run;
        do {
            Thread.sleep(250);
            run = json.readTree(http.send(request(role, "/api/psi/runs/" + runId).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } while (Set.of("RUNNING", "CONFIRMED").contains(run.path("status").asText()) && System.nanoTime() < deadline);
        return run;
    }

    private HttpRequest.Builder request(PartyRole role, String path) {
        return HttpRequest.newBuilder(network.url(role).resolve(path)).header("Authorization", network.authorization(role, "admin"));
    }
}
