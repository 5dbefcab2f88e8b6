package org.genovfl.party.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditLedger;
import org.genovfl.audit.embedded.ChainVerification;
import org.genovfl.audit.embedded.EmbeddedAuditLedger;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;

/**
 * What regulators see: a project's audit trail, its export, and whether a file they hold is
 * the one the ledger recorded. Regulators only read here; nothing in this API writes.
 */
@RestController
@PreAuthorize("hasRole('REGULATOR')")
class AuditTrailController {

    /** Formats of {@code /export}. */
    enum ExportFormat {
        json, csv
    }

    /**
     * @param sha256 hex SHA-256 of the uploaded bytes
     * @param sizeBytes size of the upload (-1 when only a hash was given)
     * @param found whether any recorded event names this hash among its artifacts
     * @param events those events, oldest first
     */
    record ArtifactVerification(String sha256, long sizeBytes, boolean found, List<AuditEvent> events) {
    }

    /**
     * @param location on a Fabric channel, the block and transaction that recorded the event;
     *     absent on the embedded ledger, or until this party's peer holds the block
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record EventDetail(AuditEvent event, EventLocations.Location location) {
    }

    private final AuditLedger ledger;
    private final AuditRelay relay;
    private final ObjectMapper json;
    private final EventLocations locations;

    AuditTrailController(AuditLedger ledger, AuditRelay relay, ObjectMapper json, EventLocations locations) {
        this.ledger = ledger;
        this.relay = relay;
        this.locations = locations;
        this.json = json;
    }

    @Operation(summary = "A project's audit trail", description = "Role: REGULATOR. Every recorded event of the "
            + "project, oldest first: hashes and counts only, never personal data.")
    @GetMapping("/api/projects/{projectId}/audit-trail")
    List<AuditEvent> trail(@PathVariable UUID projectId) {
        return ledger.byProject(projectId);
    }

    @Operation(summary = "One event of a project's audit trail", description = "Role: REGULATOR. The event as "
            + "recorded and, when the ledger is a Fabric channel, the block and transaction that recorded it and the "
            + "organisations whose endorsements verify, as this party's own peer holds them.")
    @GetMapping("/api/projects/{projectId}/audit-trail/events/{eventId}")
    ResponseEntity<?> event(@PathVariable UUID projectId, @PathVariable UUID eventId) {
        return ledger.byProject(projectId).stream().filter(event -> event.eventId().equals(eventId)).findFirst()
                .<ResponseEntity<?>>map(event -> ResponseEntity.ok(
                        new EventDetail(event, locations.locate(eventId).orElse(null))))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(org.springframework.http.ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                                "project " + projectId + " has no recorded event " + eventId)));
    }

    @Operation(summary = "Projects with audit events", description = "Role: REGULATOR. The projects this party "
            + "recorded events for, with how many reached the ledger.")
    @GetMapping("/api/audit/projects")
    List<AuditRelay.ProjectActivity> projects() {
        return relay.projects();
    }

    @Operation(summary = "Look up a SHA-256 on the ledger", description = "Role: REGULATOR. For a regulator who "
            + "already computed the hash of the file they hold.")
    @GetMapping("/api/audit/artifacts/{sha256}")
    ArtifactVerification lookUp(@PathVariable String sha256) {
        String hash = sha256.toLowerCase(java.util.Locale.ROOT);
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a hex SHA-256: " + sha256);
        }
        List<AuditEvent> events = ledger.byArtifactHash(hash);
        return new ArtifactVerification(hash, -1, !events.isEmpty(), events);
    }

    @Operation(summary = "Export a project's audit trail", description = "Role: REGULATOR. format=json or csv, "
            + "as a file download.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The events, as a file",
            content = {@io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    array = @io.swagger.v3.oas.annotations.media.ArraySchema(
                            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object"))),
                @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv",
                        schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string"))})
    @GetMapping("/api/projects/{projectId}/audit-trail/export")
    ResponseEntity<byte[]> export(@PathVariable UUID projectId,
            @RequestParam(defaultValue = "json") ExportFormat format) throws IOException {
        List<AuditEvent> events = ledger.byProject(projectId);
        byte[] body = format == ExportFormat.csv ? AuditExport.csv(events).getBytes(StandardCharsets.UTF_8)
                : json.writerWithDefaultPrettyPrinter().writeValueAsBytes(events);
        MediaType type = format == ExportFormat.csv ? new MediaType("text", "csv", StandardCharsets.UTF_8)
                : MediaType.APPLICATION_JSON;
        return ResponseEntity.ok()
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("audit-trail-" + projectId + "." + format.name()).build().toString())
                .body(body);
    }

    @Operation(summary = "Verify a file against the ledger", description = "Role: REGULATOR. Send the file as the "
            + "raw request body; the answer says whether its SHA-256 is recorded, and by which events.")
    @PostMapping(path = "/api/audit/artifact-verifications", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ArtifactVerification verifyUpload(HttpServletRequest request) throws IOException {
        try (InputStream body = request.getInputStream()) {
            return verify(body);
        }
    }

    @Operation(summary = "Verify a file against the ledger (form upload)", description = "Role: REGULATOR. "
            + "Multipart form with the file in part 'file'.")
    @PostMapping(path = "/api/audit/artifact-verifications", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ArtifactVerification verifyForm(@RequestPart("file") MultipartFile file) throws IOException {
        try (InputStream body = file.getInputStream()) {
            return verify(body);
        }
    }

    @Operation(summary = "Check the embedded ledger's hash chain", description = "Role: REGULATOR. Names the "
            + "first edited, deleted or reordered entry. Only for the embedded ledger: Fabric's own "
            + "consensus protects the channel.")
    @GetMapping("/api/audit/ledger-verification")
    ChainVerification verifyLedger() {
        if (!(ledger instanceof EmbeddedAuditLedger embedded)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "this party records audit events on Fabric; "
                    + "there is no embedded hash chain to verify");
        }
        return embedded.verify();
    }

    @Operation(summary = "Audit events waiting for the ledger", description = "Role: REGULATOR or PARTY_ADMIN. "
            + "Pending and delivered counts, age of the oldest pending event and the last delivery error.")
    @PreAuthorize("hasAnyRole('REGULATOR', 'PARTY_ADMIN')")
    @GetMapping("/api/audit/outbox")
    AuditRelay.Backlog outbox() {
        return relay.backlog();
    }

    private ArtifactVerification verify(InputStream body) throws IOException {
        ArtifactDigest digest = ArtifactDigest.of(body);
        List<AuditEvent> events = ledger.byArtifactHash(digest.sha256());
        return new ArtifactVerification(digest.sha256(), digest.sizeBytes(), !events.isEmpty(), events);
    }
}
