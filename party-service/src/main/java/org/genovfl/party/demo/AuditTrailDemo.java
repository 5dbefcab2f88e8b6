package org.genovfl.party.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.genovfl.party.config.PartyRole;

/**
 * The demo's last word, as a regulator sees it: every party's events reach the ledger, the
 * audit trail of each project, and a file checked against the ledger. Uses only the
 * regulator API, so it shows what a regulator can do, and nothing more.
 */
final class AuditTrailDemo {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

    private final DemoNetwork network;
    private final HttpClient http;
    private final DemoConsole console;
    private final ObjectMapper json = new ObjectMapper();

    AuditTrailDemo(DemoNetwork network, HttpClient http, DemoConsole console) {
        this.network = network;
        this.http = http;
        this.console = console;
    }

    /**
     * Prints the trail of every project and verifies {@code releasedFile} (the released
     * model, or null if the demo released none: then the newest recorded artifact is looked up).
     *
     * @return false if events did not reach the ledger or the verification failed
     */
    boolean show(Path releasedFile) throws IOException, InterruptedException {
        console.step("Audit trail, as a regulator sees it");
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            if (!awaitDelivered(role)) {
                return false;
            }
        }
        // Fabric: one channel, the same trail from every party. Embedded: each party its own ledger.
        boolean shared = send(PartyRole.HOSPITAL, HttpRequest.newBuilder(uri(PartyRole.HOSPITAL,
                "/api/audit/ledger-verification")).GET(), true) == null;
        console.line("ledger: %s", shared ? "Fabric channel genovfl-audit" : "each party's embedded hash chain");
        String newestArtifact = null;
        PartyRole artifactHolder = PartyRole.COORDINATOR;
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            for (JsonNode project : get(role, "/api/audit/projects")) {
                String projectId = project.path("projectId").asText();
                if (shared && !shown.add(projectId)) {
                    continue;
                }
                shown.add(projectId);
                console.line("project %s (trail from %s):", projectId, DemoNetwork.ORGANISATIONS.get(role));
                String previousType = null;
                int sameType = 0;
                for (JsonNode event : get(role, "/api/projects/" + projectId + "/audit-trail")) {
                    String type = event.path("type").asText();
                    sameType = type.equals(previousType) ? sameType + 1 : 0;
                    previousType = type;
                    // A training run records an event per round: show the first two of a run of them.
                    if (sameType < 2) {
                        console.line("  %s  #%d %-19s %-28s %s", event.path("occurredAt").asText(),
                                event.path("sequence").asLong(), type, event.path("actingOrganisation").asText(),
                                abbreviated(event.path("artifactHashes")));
                    } else if (sameType == 2) {
                        console.line("  ... further %s events, one per round and validation", type);
                    }
                    if (event.path("artifactHashes").size() > 0) {
                        newestArtifact = event.path("artifactHashes").elements().next().asText();
                        artifactHolder = role;
                    }
                }
            }
        }
        if (shown.isEmpty()) {
            console.line("no study step has recorded an event yet");
        }
        boolean verified = true;
        if (releasedFile != null) {
            // Each embedded ledger holds its own party's events: ask every party (one channel on Fabric).
            verified = false;
            for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
                JsonNode answer = send(role, HttpRequest.newBuilder(uri(role, "/api/audit/artifact-verifications"))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofFile(releasedFile)));
                if (answer.path("found").asBoolean()) {
                    verified = true;
                    JsonNode event = answer.path("events").get(0);
                    console.line("released model %s: SHA-256 %s FOUND on %s's ledger (%s #%d by %s)",
                            releasedFile.getFileName(), answer.path("sha256").asText(), role,
                            event.path("type").asText(), event.path("sequence").asLong(),
                            event.path("actingOrganisation").asText());
                    break;
                }
            }
            if (!verified) {
                console.line("released model %s: its SHA-256 is NOT on any ledger", releasedFile.getFileName());
            }
        } else if (newestArtifact != null) {
            // Asked of the party whose ledger showed it: embedded ledgers are per party.
            JsonNode answer = get(artifactHolder, "/api/audit/artifacts/" + newestArtifact);
            verified = answer.path("found").asBoolean();
            console.line("no model released yet; artifact %s is %s", newestArtifact,
                    verified ? "FOUND on the ledger" : "NOT on the ledger");
        }
        for (PartyRole role : shared ? java.util.List.<PartyRole>of() : DemoNetwork.ORGANISATIONS.keySet()) {
            JsonNode chain = get(role, "/api/audit/ledger-verification");
            console.line("%-11s embedded hash chain %s (%d entries)", role,
                    chain.path("intact").asBoolean() ? "intact" : "BROKEN at " + chain.path("firstTampered"),
                    chain.path("entriesChecked").asLong());
            verified &= chain.path("intact").asBoolean();
        }
        console.done();
        return verified;
    }

    private boolean awaitDelivered(PartyRole role) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        JsonNode backlog = get(role, "/api/audit/outbox");
        while (backlog.path("pending").asLong() > 0) {
            if (System.nanoTime() > deadline) {
                console.line("%s: %d events still waiting for the ledger; last error: %s", role,
                        backlog.path("pending").asLong(), backlog.path("lastError").asText());
                return false;
            }
            Thread.sleep(200);
            backlog = get(role, "/api/audit/outbox");
        }
        console.line("%-11s %d events on the ledger, none waiting", role, backlog.path("delivered").asLong());
        return true;
    }

    private JsonNode get(PartyRole role, String path) throws IOException, InterruptedException {
        return send(role, HttpRequest.newBuilder(uri(role, path)).GET());
    }

    private JsonNode send(PartyRole role, HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(role, request, false);
    }

    /** @param absentIsNull a 404 (e.g. no embedded chain on a Fabric party) gives null instead of failing */
    private JsonNode send(PartyRole role, HttpRequest.Builder request, boolean absentIsNull)
            throws IOException, InterruptedException {
        request.header("Authorization", network.authorization(role, "regulator"));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (absentIsNull && response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(role + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private URI uri(PartyRole role, String path) {
        return network.url(role).resolve(path);
    }

    /** Artifact hashes as {@code name=first 12 hex digits…}, enough to recognise them. */
    private static String abbreviated(JsonNode hashes) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        hashes.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText().substring(0,
                Math.min(12, e.getValue().asText().length())) + "…"));
        return parts.isEmpty() ? "" : String.join(" ", parts);
    }
}
