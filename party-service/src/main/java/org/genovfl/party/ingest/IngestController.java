package org.genovfl.party.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.fhir.ClinicalCsvImporter;
import org.genovfl.party.ingest.fhir.ClinicalImport;
import org.genovfl.party.ingest.fhir.FhirBundleImporter;
import org.genovfl.party.ingest.fhir.FhirImportException;
import org.genovfl.party.ingest.genomics.GenomicsReportingExporter;
import org.genovfl.party.ingest.genomics.GenomicsReportingImporter;
import org.genovfl.party.ingest.genomics.ImportedDataset;
import org.genovfl.party.ingest.vcf.VcfFormatException;
import org.genovfl.party.security.AvailableAt;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The party administrator's way in for data: FHIR bundles and CSV (hospital), VCF/BCF and
 * FHIR Genomics Reporting (lab), a patient's variants out as FHIR, and counts of what is
 * held. Every refusal says why: FHIR as an OperationOutcome, the rest as RFC 9457 problem
 * details (VCF with file and line).
 */
@RestController
@PreAuthorize("hasRole('PARTY_ADMIN')")
@AvailableAt({PartyRole.HOSPITAL, PartyRole.LAB})
class IngestController {

    static final String FHIR_JSON = "application/fhir+json";
    static final MediaType FHIR_JSON_TYPE = MediaType.parseMediaType(FHIR_JSON);

    private final FhirContext fhir;
    private final FhirBundleImporter bundles;
    private final ClinicalCsvImporter csv;
    private final VcfUpload vcfUpload;
    private final GenomicsReportingImporter genomicsIn;
    private final GenomicsReportingExporter genomicsOut;
    private final HeldData held;
    private final ImportProgress progress;

    IngestController(FhirContext fhir, FhirBundleImporter bundles, ClinicalCsvImporter csv, VcfUpload vcfUpload,
            GenomicsReportingImporter genomicsIn, GenomicsReportingExporter genomicsOut, HeldData held,
            ImportProgress progress) {
        this.progress = progress;
        this.fhir = fhir;
        this.bundles = bundles;
        this.csv = csv;
        this.vcfUpload = vcfUpload;
        this.genomicsIn = genomicsIn;
        this.genomicsOut = genomicsOut;
        this.held = held;
    }

    @Operation(summary = "Imports a FHIR R4 Bundle (collection or transaction): Patient, Consent, Observation, Condition",
            description = "Role: PARTY_ADMIN. All or nothing: a refusal is an OperationOutcome listing every problem.")
    @ApiResponse(responseCode = "200", description = "An OperationOutcome saying what was imported",
            content = @Content(mediaType = FHIR_JSON, schema = @Schema(type = "object")))
    @AvailableAt(PartyRole.HOSPITAL)
    @PostMapping(path = "/api/ingest/fhir", consumes = {FHIR_JSON, MediaType.APPLICATION_JSON_VALUE}, produces = FHIR_JSON)
    ResponseEntity<String> importBundle(@RequestBody String bundle) {
        ClinicalImport imported = bundles.importJson(bundle);
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION).setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics("imported " + imported.patients() + " patients, " + imported.observations() + " observation values, "
                        + imported.conditions() + " conditions, " + imported.consentEvents() + " consent events; skipped "
                        + imported.skipped());
        return ResponseEntity.ok().contentType(FHIR_JSON_TYPE).body(fhir.newJsonParser().encodeResourceToString(outcome));
    }

    @ExceptionHandler(FhirImportException.class)
    ResponseEntity<String> refusedBundle(FhirImportException e) {
        return ResponseEntity.unprocessableEntity().contentType(FHIR_JSON_TYPE)
                .body(fhir.newJsonParser().encodeResourceToString(e.outcome()));
    }

    @Operation(summary = "Imports a clinical CSV export (" + ClinicalCsvImporter.HEADER + ")",
            description = "Role: PARTY_ADMIN. All or nothing; problems are listed with their lines.")
    @AvailableAt(PartyRole.HOSPITAL)
    @PostMapping(path = "/api/ingest/csv", consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE})
    ClinicalCsvImporter.CsvImport importCsv(@RequestParam String name, @RequestBody String body) {
        return csv.importCsv(new StringReader(body), name);
    }

    @ExceptionHandler(ClinicalCsvImporter.CsvImportException.class)
    ProblemDetail refusedCsv(ClinicalCsvImporter.CsvImportException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage());
        problem.setTitle("CSV refused");
        problem.setProperty("problems", e.problems());
        return problem;
    }

    @Operation(summary = "Imports a VCF or BCF file (plain, gzip or bgzip) into the genotype store",
            description = "Role: PARTY_ADMIN. Parts: file, optional sampleSheet (sample_id,linkage_id[,id_type]); "
                    + "without a sheet, sample ids are the biobank sample ids. All or nothing.")
    @AvailableAt(PartyRole.LAB)
    @PostMapping(path = "/api/ingest/vcf", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ImportedDataset importVcf(@RequestParam String name, @RequestPart("file") MultipartFile file,
            @RequestPart(name = "sampleSheet", required = false) MultipartFile sampleSheet) throws IOException {
        return vcfUpload.importUpload(name, file, sampleSheet);
    }

    @ExceptionHandler(VcfUpload.InvalidUpload.class)
    ProblemDetail invalidUpload(VcfUpload.InvalidUpload e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid upload");
        problem.setProperty("parameter", e.parameter());
        return problem;
    }

    @ExceptionHandler(VcfFormatException.class)
    ProblemDetail refusedVcf(VcfFormatException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                e.tooLarge() ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage());
        problem.setTitle(e.tooLarge() ? "Variant file too large" : "Variant file refused");
        problem.setProperty("file", e.file());
        problem.setProperty("line", e.line());
        return problem;
    }

    /** The verdict on one Observation, without the variant itself. */
    record Verdict(String observationId, boolean imported, String reason) {
    }

    record GenomicsReportingResult(ImportedDataset dataset, List<Verdict> observations) {
    }

    @Operation(summary = "Imports FHIR Genomics Reporting variant Observations (a Bundle or one Observation)",
            description = "Role: PARTY_ADMIN. Each Observation is imported or refused with a reason.")
    @AvailableAt(PartyRole.LAB)
    @PostMapping(path = "/api/ingest/genomics-reporting", consumes = {FHIR_JSON, MediaType.APPLICATION_JSON_VALUE})
    GenomicsReportingResult importGenomics(@RequestParam String name, @RequestBody String json) {
        GenomicsReportingImporter.GenomicsImport imported;
        try {
            imported = genomicsIn.importJson(json, name);
        } catch (DataFormatException e) {
            // HAPI's message quotes the offending content; name only its code.
            throw new IllegalArgumentException("not a FHIR R4 resource (" + FhirImportException.codeOf(e) + ")", e);
        }
        return new GenomicsReportingResult(imported.dataset(), imported.assessments().stream()
                .map(a -> new Verdict(a.observationId(), a.imported(), a.reason())).toList());
    }

    @Operation(summary = "A patient's variants as FHIR Genomics Reporting variant Observations",
            description = "Role: PARTY_ADMIN. The patient's local id; a collection Bundle.")
    @ApiResponse(responseCode = "200", description = "A collection Bundle of variant Observations",
            content = @Content(mediaType = FHIR_JSON, schema = @Schema(type = "object")))
    @AvailableAt(PartyRole.LAB)
    @GetMapping(path = "/api/ingest/patients/{localId}/variants", produces = FHIR_JSON)
    ResponseEntity<String> exportVariants(@PathVariable String localId) {
        return ResponseEntity.ok().contentType(FHIR_JSON_TYPE)
                .body(fhir.newJsonParser().encodeResourceToString(genomicsOut.exportPatient(localId)));
    }

    @Operation(summary = "Imports under way: dataset, format, samples, variants so far",
            description = "Role: PARTY_ADMIN. An import commits at its end; this shows how far it got.")
    @GetMapping("/api/ingest/imports")
    List<ImportProgress.Running> imports() {
        return progress.running();
    }

    @Operation(summary = "Counts of what this party holds", description = "Role: PARTY_ADMIN. Counts only.")
    @GetMapping("/api/ingest/summary")
    Map<String, Long> summary() {
        return held.summary();
    }
}
