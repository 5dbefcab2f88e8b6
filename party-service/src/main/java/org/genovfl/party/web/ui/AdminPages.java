package org.genovfl.party.web.ui;

import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.HeldData;
import org.genovfl.party.ingest.ImportProgress;
import org.genovfl.party.ingest.VcfUpload;
import org.genovfl.party.ingest.fhir.ClinicalCsvImporter;
import org.genovfl.party.ingest.fhir.ClinicalImport;
import org.genovfl.party.ingest.fhir.FhirBundleImporter;
import org.genovfl.party.ingest.fhir.FhirImportException;
import org.genovfl.party.ingest.genomics.ImportedDataset;
import org.genovfl.party.ingest.vcf.VcfFormatException;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.party.project.ProjectCatalog;
import org.genovfl.party.psi.PsiRunHistory;
import org.genovfl.party.psi.PsiRunView;
import org.genovfl.party.psi.PsiService;
import org.genovfl.party.security.AvailableAt;
import org.genovfl.party.training.DataHolderTraining;
import org.genovfl.party.training.TrainingHistory;
import org.genovfl.party.training.TrainingRunView;
import org.genovfl.psi.PsiMode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;

/**
 * A hospital's or lab's admin pages (role PARTY_ADMIN): upload data and read the outcome,
 * see datasets and counts, align a cohort by PSI, and read and download this party's own
 * slice of a released model. Only a hospital and a lab have them: elsewhere every page is
 * refused before its parameters are bound ({@code AuthorisationBeforeBinding}).
 */
@Controller
@RequestMapping("/ui/admin")
@AvailableAt({PartyRole.HOSPITAL, PartyRole.LAB})
class AdminPages {

    private static final String OUTCOMES = "genovfl.importOutcomes";
    private static final int OUTCOMES_KEPT = 20;

    private final HeldData held;
    private final ImportProgress progress;
    private final FhirBundleImporter bundles;
    private final ClinicalCsvImporter csv;
    private final VcfUpload vcf;
    private final ProjectCatalog projects;
    private final PsiService psi;
    private final PsiRunHistory psiHistory;
    private final DataHolderTraining training;
    private final TrainingHistory trainingHistory;
    private final PartyProperties properties;

    AdminPages(HeldData held, ImportProgress progress, FhirBundleImporter bundles, ClinicalCsvImporter csv,
            VcfUpload vcf, ProjectCatalog projects, PsiService psi, PsiRunHistory psiHistory,
            DataHolderTraining training, TrainingHistory trainingHistory, PartyProperties properties) {
        this.held = held;
        this.progress = progress;
        this.bundles = bundles;
        this.csv = csv;
        this.vcf = vcf;
        this.projects = projects;
        this.psi = psi;
        this.psiHistory = psiHistory;
        this.training = training;
        this.trainingHistory = trainingHistory;
        this.properties = properties;
    }

    // ---- data -------------------------------------------------------------------------------

    @GetMapping("/data")
    String data(Model model, HttpSession session) {
        model.addAttribute("summary", held.summary());
        model.addAttribute("datasets", held.datasets());
        model.addAttribute("consent", held.consent());
        model.addAttribute("outcomes", outcomes(session));
        return "admin/data";
    }

    /** Imports under way, for the upload page's progress while the server parses. */
    @GetMapping("/data/imports/running")
    @ResponseBody
    List<ImportProgress.Running> running() {
        return progress.running();
    }

    @PostMapping("/data/imports")
    String upload(@RequestParam String format, @RequestParam(defaultValue = "") String name,
            @RequestParam("file") MultipartFile file, HttpSession session) throws IOException {
        String fileName = file.getOriginalFilename() == null ? "upload" : file.getOriginalFilename();
        String datasetName = name.isBlank() ? fileName : name.trim();
        ImportOutcome outcome;
        List<ImportOutcome> kept = outcomes(session);
        int number = kept.isEmpty() ? 1 : kept.get(0).number() + 1;
        Optional<String> wrongParty = wrongPartyFor(format);
        if (wrongParty.isPresent()) {
            outcome = refused(number, fileName, format, "refused: nothing was imported",
                    List.of(new ImportOutcome.Issue("error", "format", wrongParty.get())));
        } else if (file.isEmpty()) {
            outcome = refused(number, fileName, format, "the file is empty",
                    List.of(new ImportOutcome.Issue("error", "file", "choose a file to upload")));
        } else {
            outcome = switch (format) {
                case "fhir" -> importFhir(number, fileName, file);
                case "csv" -> importCsv(number, fileName, datasetName, file);
                case "vcf" -> importVcf(number, fileName, datasetName, file);
                default -> refused(number, fileName, format, "unknown format",
                        List.of(new ImportOutcome.Issue("error", "format", "FHIR bundle, clinical CSV or VCF/BCF")));
            };
        }
        kept.add(0, outcome);
        while (kept.size() > OUTCOMES_KEPT) {
            kept.remove(kept.size() - 1);
        }
        session.setAttribute(OUTCOMES, kept);
        return "redirect:/ui/admin/data/imports/" + outcome.number();
    }

    private ImportOutcome importFhir(int number, String fileName, MultipartFile file) throws IOException {
        try {
            ClinicalImport imported = bundles.importJson(new String(file.getBytes(), StandardCharsets.UTF_8));
            return new ImportOutcome(number, fileName, "FHIR R4 Bundle", true, String.format(
                    "imported %d patients, %d observation values, %d conditions, %d consent events; skipped %s",
                    imported.patients(), imported.observations(), imported.conditions(), imported.consentEvents(),
                    imported.skipped().isEmpty() ? "none" : imported.skipped()), List.of(), Instant.now());
        } catch (FhirImportException e) {
            List<ImportOutcome.Issue> issues = new ArrayList<>();
            for (OperationOutcome.OperationOutcomeIssueComponent issue : e.outcome().getIssue()) {
                issues.add(new ImportOutcome.Issue(issue.getSeverity() == null ? "error" : issue.getSeverity().toCode(),
                        issue.getExpression().isEmpty() ? "" : issue.getExpression().get(0).getValue(),
                        issue.getDiagnostics()));
            }
            return refused(number, fileName, "FHIR R4 Bundle", "refused: nothing was imported", issues);
        } catch (ca.uhn.fhir.parser.DataFormatException e) {
            return refused(number, fileName, "FHIR R4 Bundle", "refused: not a FHIR R4 JSON resource",
                    List.of(new ImportOutcome.Issue("error", fileName, "not FHIR R4 JSON")));
        }
    }

    private ImportOutcome importCsv(int number, String fileName, String name, MultipartFile file) throws IOException {
        try (var reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
            ClinicalCsvImporter.CsvImport imported = csv.importCsv(reader, name);
            return new ImportOutcome(number, fileName, "clinical CSV", true, String.format(
                    "imported %d observation values and %d conditions", imported.observations(), imported.conditions()),
                    List.of(), Instant.now());
        } catch (ClinicalCsvImporter.CsvImportException e) {
            List<ImportOutcome.Issue> issues = e.problems().stream().map(p -> issueWithLocation(fileName, p)).toList();
            return refused(number, fileName, "clinical CSV", "refused: nothing was imported", issues);
        }
    }

    /** A CSV problem reads "line 7: ..."; its location becomes file:7. */
    private static ImportOutcome.Issue issueWithLocation(String fileName, String problem) {
        var line = java.util.regex.Pattern.compile("^line (\\d+): (.*)$").matcher(problem);
        return line.matches() ? new ImportOutcome.Issue("error", fileName + ":" + line.group(1), line.group(2))
                : new ImportOutcome.Issue("error", fileName, problem);
    }

    private ImportOutcome importVcf(int number, String fileName, String name, MultipartFile file) throws IOException {
        try {
            ImportedDataset dataset = vcf.importUpload(name, file, null);
            return new ImportOutcome(number, fileName, dataset.format(), true, String.format(
                    "dataset '%s': %d samples (%d linked to a patient) × %,d variants = %,d genotype calls, %d sites "
                            + "skipped, in %.1f s", dataset.name(), dataset.samples(), dataset.linkedSamples(),
                    dataset.variants(), dataset.genotypeCalls(), dataset.skippedSites(), dataset.millis() / 1000.0),
                    List.of(), Instant.now());
        } catch (VcfFormatException e) {
            return refused(number, fileName, "VCF/BCF", "refused: nothing was imported",
                    List.of(new ImportOutcome.Issue("error", e.file() + ":" + e.line(), e.reason())));
        } catch (VcfUpload.InvalidUpload e) {
            return refused(number, fileName, "VCF/BCF", "refused: nothing was imported",
                    List.of(new ImportOutcome.Issue("error", e.parameter(), e.getMessage())));
        }
    }

    private static ImportOutcome refused(int number, String fileName, String format, String summary,
            List<ImportOutcome.Issue> issues) {
        return new ImportOutcome(number, fileName, format, false, summary, issues, Instant.now());
    }

    @GetMapping("/data/imports/{number}")
    String outcome(@PathVariable int number, HttpSession session, Model model) {
        ImportOutcome outcome = outcomes(session).stream().filter(o -> o.number() == number).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("outcome", outcome);
        model.addAttribute("datasets", held.datasets());
        return "admin/import-outcome";
    }

    @SuppressWarnings("unchecked")
    private static List<ImportOutcome> outcomes(HttpSession session) {
        Object kept = session.getAttribute(OUTCOMES);
        return kept == null ? new ArrayList<>() : new ArrayList<>((List<ImportOutcome>) kept);
    }

    // ---- PSI --------------------------------------------------------------------------------

    @GetMapping("/psi")
    String psi(Model model) {
        return psiPage(model, null, null, Map.of());
    }

    @PostMapping("/psi")
    String startPsi(@RequestParam(required = false) UUID projectId, @RequestParam(defaultValue = "") String peer,
            @RequestParam(defaultValue = "INTERSECTION") PsiMode mode, Model model) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        if (projectId == null) {
            errors.put("projectId", List.of("choose the project"));
        }
        if (peer.isBlank()) {
            errors.put("peer", List.of("choose the party to align with"));
        }
        if (errors.isEmpty()) {
            try {
                PsiRunView run = psi.start(projectId, peer, mode);
                return "redirect:/ui/admin/psi/" + run.runId();
            } catch (IllegalArgumentException e) {
                errors.put("form", List.of(e.getMessage()));
            } catch (PeerCallException e) {
                errors.put("form", List.of(e.organisation() + " refused: " + e.problem().getDetail()));
            }
        }
        return psiPage(model, projectId, peer, errors);
    }

    private String psiPage(Model model, UUID projectId, String peer, Map<String, List<String>> errors) {
        model.addAttribute("projects", projects.all());
        model.addAttribute("peers", properties.peers().stream()
                .filter(p -> p.role() == PartyRole.HOSPITAL || p.role() == PartyRole.LAB).toList());
        model.addAttribute("runs", psiHistory.latest(50));
        model.addAttribute("selectedProject", projectId);
        model.addAttribute("selectedPeer", peer);
        model.addAttribute("errors", errors);
        return "admin/psi";
    }

    @GetMapping("/psi/{runId}")
    String psiRun(@PathVariable UUID runId, Model model) {
        model.addAttribute("run", psi.find(runId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
        model.addAttribute("peer", psiHistory.peerOf(runId).orElse(""));
        return "admin/psi-run";
    }

    @GetMapping("/psi/{runId}/progress")
    @ResponseBody
    ResponseEntity<PsiRunView> psiProgress(@PathVariable UUID runId) {
        return ResponseEntity.of(psi.find(runId));
    }

    // ---- released models --------------------------------------------------------------------

    @GetMapping("/models")
    String models(Model model) {
        model.addAttribute("runs", trainingHistory.latest(50));
        return "admin/models";
    }

    @GetMapping("/models/{runId}")
    String model(@PathVariable UUID runId, Model model) {
        TrainingRunView run = training.find(runId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        List<String> names = trainingHistory.featureNames(run.projectId());
        List<Map.Entry<String, Double>> coefficients = new ArrayList<>();
        if (run.coefficients() != null) {
            for (int i = 0; i < run.coefficients().length; i++) {
                coefficients.add(Map.entry(i < names.size() ? names.get(i) : "column " + (i + 1), run.coefficients()[i]));
            }
        }
        model.addAttribute("run", run);
        model.addAttribute("coefficients", coefficients);
        return "admin/model";
    }

    @GetMapping("/models/{runId}/file")
    ResponseEntity<byte[]> modelFile(@PathVariable UUID runId) {
        byte[] file = training.modelFile(runId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(properties.role().name().toLowerCase() + "-" + runId + ".coefficients").build().toString())
                .body(file);
    }

    /** Patient data comes in only at a hospital, genotypes only at a lab (as {@code /api/ingest/**}). */
    private Optional<String> wrongPartyFor(String format) {
        PartyRole holder = switch (format) {
            case "vcf" -> PartyRole.LAB;
            case "fhir", "csv" -> PartyRole.HOSPITAL;
            default -> null; // refused below as an unknown format
        };
        return holder == null || properties.role() == holder ? Optional.empty()
                : Optional.of("this party is a " + properties.role().name().toLowerCase() + "; "
                        + (holder == PartyRole.LAB ? "genotypes are imported at a lab" : "patient data is imported at a hospital"));
    }
}
