package org.genovfl.party.project;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.AvailableAt;
import org.genovfl.party.security.PeerAuthentication;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Project definition (coordinator) and registration at each party (peer API). */
@RestController
class ProjectController {

    private final ProjectService projects;
    private final ProjectRegistration registration;
    private final ProjectColumns columns;
    private final PartyProperties properties;

    ProjectController(ProjectService projects, ProjectRegistration registration, ProjectColumns columns,
            PartyProperties properties) {
        this.projects = projects;
        this.registration = registration;
        this.columns = columns;
        this.properties = properties;
    }

    /** This party's columns of a project, in the order of its coefficients. */
    record OwnColumns(UUID projectId, String organisation, String role, List<ProjectColumns.Column> columns,
            boolean interceptLast) {
    }

    @Operation(summary = "This party's columns of a project, in the order of its feature matrix and coefficients",
            description = "Role: PARTY_ADMIN, at a hospital or lab: its own columns only (genomic: code, chromosome, "
                    + "position, REF, ALT, gene; clinical: LOINC code and rule). The hospital's coefficients end with "
                    + "the intercept (interceptLast). 404 problem for a project not registered here.")
    @PreAuthorize("hasRole('PARTY_ADMIN')")
    @AvailableAt({PartyRole.HOSPITAL, PartyRole.LAB})
    @GetMapping("/api/projects/{projectId}/columns")
    OwnColumns columns(@PathVariable UUID projectId) {
        return new OwnColumns(projectId, properties.organisation(), properties.role().name(),
                columns.ownColumns(projectId), properties.role() == PartyRole.HOSPITAL);
    }

    @Operation(summary = "Defines a project and registers it at every party named",
            description = "Role: COORDINATOR. Every named party first checks the specification without storing it; "
                    + "400 problem naming each field at fault (JSON pointer), 422 when a party cannot serve it (a "
                    + "label no eligible patient has, a party matching no feature). Then 201 with each party's "
                    + "counts (never identifiers). Fields: docs/api.md.")
    @PreAuthorize("hasRole('COORDINATOR')")
    @AvailableAt(PartyRole.COORDINATOR)
    @PostMapping("/api/projects")
    @ResponseStatus(HttpStatus.CREATED)
    ProjectService.CreatedProject create(@RequestBody ProjectSpec spec, Principal person) {
        return projects.create(spec, person.getName());
    }

    @Operation(summary = "Checks a project at this party and answers the counts it would register, storing nothing",
            description = "Caller: the coordinator (mutual TLS), before it stores the project anywhere.")
    @PostMapping("/peer/projects/check")
    ValidationReport check(@RequestBody ProjectService.RegistrationRequest request, PeerAuthentication caller) {
        if (caller.role() != PartyRole.COORDINATOR) {
            throw new AccessDeniedException("only a coordinator checks projects");
        }
        return projects.check(request, caller.organisation());
    }

    @Operation(summary = "Registers a project at this party and answers counts",
            description = "Caller: the coordinator (mutual TLS).")
    @PostMapping("/peer/projects")
    ValidationReport register(@RequestBody ProjectService.RegistrationRequest request, PeerAuthentication caller) {
        if (caller.role() != PartyRole.COORDINATOR) {
            throw new AccessDeniedException("only a coordinator registers projects");
        }
        request.requireComplete();
        return registration.register(request.projectId(), request.spec(), request.createdBy(), caller.organisation());
    }
}
