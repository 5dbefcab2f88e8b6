package org.genovfl.party.project;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.PeerAuthentication;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Project definition (coordinator) and registration at each party (peer API). */
@RestController
class ProjectController {

    private final ProjectService projects;
    private final ProjectRegistration registration;

    ProjectController(ProjectService projects, ProjectRegistration registration) {
        this.projects = projects;
        this.registration = registration;
    }

    @Operation(summary = "Defines a project and registers it at every party named",
            description = "Role: COORDINATOR. Answers each party's counts (never identifiers).")
    @PreAuthorize("hasRole('COORDINATOR')")
    @PostMapping("/api/projects")
    @ResponseStatus(HttpStatus.CREATED)
    ProjectService.CreatedProject create(@RequestBody ProjectSpec spec, Principal person) {
        return projects.create(spec, person.getName());
    }

    @Operation(summary = "Registers a project at this party and answers counts",
            description = "Caller: the coordinator (mutual TLS).")
    @PostMapping("/peer/projects")
    ValidationReport register(@RequestBody ProjectService.RegistrationRequest request, PeerAuthentication caller) {
        if (caller.role() != PartyRole.COORDINATOR) {
            throw new AccessDeniedException("only a coordinator registers projects");
        }
        if (request.projectId() == null || request.spec() == null) {
            throw new IllegalArgumentException("projectId and spec are required");
        }
        return registration.register(request.projectId(), request.spec(), request.createdBy(), caller.organisation());
    }
}
