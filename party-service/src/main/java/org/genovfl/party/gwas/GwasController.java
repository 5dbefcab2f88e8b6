package org.genovfl.party.gwas;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.gwas.GwasWire.ScanParameters;
import org.genovfl.party.web.StrictJson;
import org.genovfl.vfl.gwas.ReleaseRules;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** People API of GWAS: the coordinator starts scans and reads their released results; a data holder follows its part. */
@RestController
class GwasController {

    /**
     * Fields and ranges in docs/api.md; left out: no ancestry components, the release rules'
     * defaults ({@link ReleaseRules#DEFAULT}). Unknown fields are refused ({@link StrictJson}).
     */
    @StrictJson
    record StartGwasScan(@NotNull UUID psiRunId, Integer ancestryComponents, Integer minCohortSize,
            Double minMinorAlleleCount) {

        ScanParameters parameters() {
            return new ScanParameters(ancestryComponents == null ? 0 : ancestryComponents,
                    minCohortSize == null ? ReleaseRules.DEFAULT.minCohortSize() : minCohortSize,
                    minMinorAlleleCount == null ? ReleaseRules.DEFAULT.minMinorAlleleCount() : minMinorAlleleCount);
        }
    }

    private final CoordinatorGwas coordinator;
    private final DataHolderGwas dataHolder;
    private final PartyProperties properties;

    GwasController(CoordinatorGwas coordinator, DataHolderGwas dataHolder, PartyProperties properties) {
        this.coordinator = coordinator;
        this.dataHolder = dataHolder;
        this.properties = properties;
    }

    @Operation(summary = "Starts an encrypted GWAS scan (score test per variant) on a PSI run's aligned cohort",
            description = "Role: COORDINATOR, at the coordinator. The hospital's label is the (binary) trait, its "
                    + "clinical columns the covariates; each lab scans its genomic columns of the project. Every data "
                    + "holder first checks the request (404 problem naming /projectId or /psiRunId if unknown there, "
                    + "409 if the PSI run is not COMPLETED or the cohorts differ, 422 if the data cannot serve it); "
                    + "then 202 with the scan, which runs in the background.")
    @PreAuthorize("hasRole('COORDINATOR')")
    @PostMapping("/api/projects/{projectId}/gwas-scans")
    ResponseEntity<GwasScanView> start(@PathVariable UUID projectId, @Valid @RequestBody StartGwasScan request) {
        GwasScanView scan = coordinator.start(projectId, request.psiRunId(), request.parameters());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(scan);
    }

    @Operation(summary = "A GWAS scan: status, progress (variants done / total) and, once done, the released results",
            description = "Role: COORDINATOR at the coordinator (released statistics: top hits and every released "
                    + "variant, lambda_GC, the summary-statistics file's SHA-256); PARTY_ADMIN at a hospital or lab "
                    + "(its own part: status and progress, no statistics).")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'PARTY_ADMIN')")
    @GetMapping("/api/projects/{projectId}/gwas-scans/{scanId}")
    ResponseEntity<?> scan(@PathVariable UUID projectId, @PathVariable UUID scanId, Authentication caller) {
        boolean atCoordinator = properties.role() == PartyRole.COORDINATOR;
        String required = atCoordinator ? "ROLE_COORDINATOR" : "ROLE_PARTY_ADMIN";
        if (caller.getAuthorities().stream().noneMatch(a -> a.getAuthority().equals(required))) {
            throw new AccessDeniedException("GWAS scans are shown to " + required.substring(5) + " here");
        }
        var view = (atCoordinator ? coordinator.find(scanId) : dataHolder.find(scanId))
                .filter(scan -> scan.projectId().equals(projectId));
        return view.<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> notFound(projectId, scanId));
    }

    @Operation(summary = "The released summary statistics (plink2 .glm columns, tab-separated)",
            description = "Role: COORDINATOR, at the coordinator. The bytes whose SHA-256 GWAS_RESULTS_RELEASED "
                    + "records; withheld variants are not in it.")
    @PreAuthorize("hasRole('COORDINATOR')")
    @GetMapping(path = "/api/projects/{projectId}/gwas-scans/{scanId}/summary-statistics",
            produces = "text/tab-separated-values")
    ResponseEntity<?> summaryStatistics(@PathVariable UUID projectId, @PathVariable UUID scanId) {
        boolean ofProject = coordinator.find(scanId).filter(scan -> scan.projectId().equals(projectId)).isPresent();
        return coordinator.summaryFile(scanId).filter(file -> ofProject).<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> notFound(projectId, scanId));
    }

    private static ResponseEntity<?> notFound(UUID projectId, UUID scanId) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                        "no GWAS scan " + scanId + " of project " + projectId + " here"));
    }
}
