package org.genovfl.party.web.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.AuditLedger;
import org.genovfl.audit.embedded.EmbeddedAuditLedger;
import org.genovfl.party.audit.ArtifactDigest;
import org.genovfl.party.audit.AuditExport;
import org.genovfl.party.audit.AuditRelay;
import org.genovfl.party.audit.EventLocations;
import org.genovfl.party.project.ProjectCatalog;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;

/**
 * The regulator's pages (role REGULATOR): the audit trail across projects with filters, an
 * event's hashes, the ledger's integrity, verifying a file by upload, and export. They only
 * read: hashes, counts and organisation names, as the audit API does.
 */
@Controller
@RequestMapping("/ui/regulator")
class RegulatorPages {

    /** The trail's filters as the form posts them; blank means any. */
    public record AuditFilter(UUID projectId, AuditEventType type, String organisation,
            @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {

        boolean accepts(AuditEvent event) {
            return (type == null || event.type() == type)
                    && (organisation == null || organisation.isBlank() || event.actingOrganisation().equals(organisation))
                    && (from == null || !event.occurredAt().isBefore(from.atStartOfDay().toInstant(ZoneOffset.UTC)))
                    && (to == null || event.occurredAt().isBefore(to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
        }
    }

    private final AuditLedger ledger;
    private final AuditRelay relay;
    private final ObjectMapper json;
    private final ProjectCatalog catalog;
    private final EventLocations locations;

    RegulatorPages(AuditLedger ledger, AuditRelay relay, ObjectMapper json, ProjectCatalog catalog,
            EventLocations locations) {
        this.catalog = catalog;
        this.locations = locations;
        this.ledger = ledger;
        this.relay = relay;
        this.json = json;
    }

    @GetMapping("/audit")
    String audit(@ModelAttribute("filter") AuditFilter filter, Model model) {
        List<AuditEvent> all = events(filter.projectId());
        List<AuditEvent> shown = all.stream().filter(filter::accepts).toList();
        model.addAttribute("projects", relay.projects());
        model.addAttribute("projectNames", catalog.all().stream().collect(java.util.stream.Collectors.toMap(
                ProjectCatalog.ProjectSummary::id, ProjectCatalog.ProjectSummary::name)));
        model.addAttribute("types", AuditEventType.values());
        model.addAttribute("organisations", new TreeSet<>(all.stream().map(AuditEvent::actingOrganisation).toList()));
        model.addAttribute("events", shown);
        model.addAttribute("total", all.size());
        return "regulator/audit";
    }

    /** The chosen project's events, or every project's, oldest first. */
    private List<AuditEvent> events(UUID projectId) {
        if (projectId != null) {
            return ledger.byProject(projectId);
        }
        List<AuditEvent> all = new ArrayList<>();
        for (AuditRelay.ProjectActivity project : relay.projects()) {
            all.addAll(ledger.byProject(project.projectId()));
        }
        all.sort(Comparator.comparing(AuditEvent::occurredAt).thenComparing(AuditEvent::sequence));
        return all;
    }

    @GetMapping("/audit/{projectId}/events/{eventId}")
    String event(@PathVariable UUID projectId, @PathVariable UUID eventId, Model model) {
        AuditEvent event = ledger.byProject(projectId).stream().filter(e -> e.eventId().equals(eventId)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("event", event);
        model.addAttribute("onChannel", locations.onChannel());
        model.addAttribute("location", locations.locate(eventId).orElse(null));
        model.addAttribute("ledgerKind", ledger instanceof EmbeddedAuditLedger ? "embedded hash chain" : "Hyperledger Fabric");
        return "regulator/event";
    }

    @GetMapping("/audit/export")
    ResponseEntity<byte[]> export(@ModelAttribute("filter") AuditFilter filter,
            @RequestParam(defaultValue = "csv") String format) throws IOException {
        List<AuditEvent> events = events(filter.projectId()).stream().filter(filter::accepts).toList();
        boolean csv = !"json".equals(format);
        byte[] body = csv ? AuditExport.csv(events).getBytes(StandardCharsets.UTF_8)
                : json.writerWithDefaultPrettyPrinter().writeValueAsBytes(events);
        String name = "audit-trail-" + (filter.projectId() == null ? "all-projects" : filter.projectId())
                + (csv ? ".csv" : ".json");
        return ResponseEntity.ok()
                .contentType(csv ? new MediaType("text", "csv", StandardCharsets.UTF_8) : MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
                .body(body);
    }

    @GetMapping("/ledger")
    String ledger(Model model) {
        if (ledger instanceof EmbeddedAuditLedger embedded) {
            long started = System.nanoTime();
            model.addAttribute("verification", embedded.verify());
            model.addAttribute("millis", (System.nanoTime() - started) / 1_000_000);
        }
        if (locations.onChannel()) {
            long started = System.nanoTime();
            model.addAttribute("channel", locations.channelIntegrity().orElseThrow());
            model.addAttribute("millis", (System.nanoTime() - started) / 1_000_000);
        }
        model.addAttribute("checkedAt", Instant.now());
        model.addAttribute("backlog", relay.backlog());
        return "regulator/ledger";
    }

    @GetMapping("/verify")
    String verifyForm() {
        return "regulator/verify";
    }

    @PostMapping("/verify")
    String verify(@RequestParam("file") MultipartFile file, Model model) throws IOException {
        if (file.isEmpty()) {
            model.addAttribute("fileError", "choose the file to verify");
            return "regulator/verify";
        }
        ArtifactDigest digest;
        try (InputStream body = file.getInputStream()) {
            digest = ArtifactDigest.of(body);
        }
        model.addAttribute("fileName", file.getOriginalFilename());
        model.addAttribute("digest", digest);
        model.addAttribute("events", ledger.byArtifactHash(digest.sha256()));
        return "regulator/verify";
    }
}
