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
import org.genovfl.audit.fabric.ChannelTrail;
import org.genovfl.audit.fabric.FabricAuditLedger;
import org.genovfl.audit.fabric.FabricConnection;
import org.genovfl.party.config.PartyRole;

/**
 * The demo's last word, as a regulator sees it: every party's events reach the ledger, the
 * audit trail of each project, and a file checked against the ledger. Uses only the
 * regulator API, so it shows what a regulator can do, and nothing more.
 */
final class AuditTrailDemo {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    /** The organisations whose endorsements the channel's policy counts (docs/fabric.md). */
    private static final java.util.Set<String> PARTY_MSPS = java.util.Set.of("HospitalMSP", "LabMSP", "CoordinatorMSP");

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
        if (shared) {
            verified &= showChannelTrail(releasedFile);
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

    /**
     * On Fabric, the regulator reads the whole channel through its own peer: one trail of every
     * party's events with block, transaction, endorsing organisations and time; the released
     * model looked up in it; and the channel's integrity (hash links, endorsements).
     */
    private boolean showChannelTrail(Path releasedFile) throws IOException {
        String directory = System.getenv("GENOVFL_AUDIT_FABRIC_CONNECTIONDIRECTORY");
        if (directory == null) {
            console.line("regulator's peer: GENOVFL_AUDIT_FABRIC_CONNECTIONDIRECTORY is not set");
            return false;
        }
        FabricConnection connection = FabricConnection.fromProperties(
                Path.of(directory, "connection-regulator.properties"));
        try (FabricAuditLedger regulator = FabricAuditLedger.connect(connection)) {
            ChannelTrail trail = ChannelTrail.read(regulator, connection.chaincode(), PARTY_MSPS);
            console.line("channel-wide trail through the regulator's own peer %s (%s):", connection.peerEndpoint(),
                    connection.mspId());
            console.line("  %6s  %-12s  %-24s  %-29s  %s", "block", "transaction", "ordered at", "endorsed by",
                    "events");
            String previousTypes = null;
            int sameTypes = 0;
            for (ChannelTrail.Entry entry : trail.entries()) {
                String types = entry.events().stream().map(e -> e.type() + " by " + e.actingOrganisation())
                        .distinct().collect(java.util.stream.Collectors.joining(", "));
                sameTypes = types.equals(previousTypes) ? sameTypes + 1 : 0;
                previousTypes = types;
                if (sameTypes < 2) {
                    console.line("  %6d  %-12s  %-24s  %-29s  %d: %s", entry.blockNumber(),
                            entry.transactionId().substring(0, 12) + "…", entry.orderedAt(),
                            String.join(",", entry.endorsingOrganisations()), entry.events().size(), types);
                } else if (sameTypes == 2) {
                    console.line("  ...     further transactions of the same kind");
                }
            }
            boolean found = true;
            if (releasedFile != null) {
                String sha256 = sha256(releasedFile);
                java.util.Optional<ChannelTrail.Entry> holder = trail.entries().stream()
                        .filter(e -> e.events().stream().anyMatch(ev -> ev.artifactHashes().containsValue(sha256)))
                        .findFirst();
                found = holder.isPresent();
                console.line("released model %s: SHA-256 %s %s", releasedFile.getFileName(), sha256, holder
                        .map(e -> "on the channel in block " + e.blockNumber() + ", transaction "
                                + e.transactionId().substring(0, 12) + "…, endorsed by "
                                + String.join(" and ", e.endorsingOrganisations()))
                        .orElse("NOT on the channel"));
            }
            ChannelTrail.Integrity integrity = trail.integrity();
            console.line("channel integrity: %d blocks, %d transactions (%d invalidated by the peers, recording "
                    + "nothing): %s", integrity.blocks(), integrity.transactions(), integrity.invalidated(),
                    integrity.intact() ? "every block's data hash and link to the previous block hold, every "
                            + "endorsement signature verifies, every event was endorsed by two organisations"
                            : "BROKEN: " + String.join("; ", integrity.problems()));
            return found && integrity.intact();
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(java.nio.file.Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
