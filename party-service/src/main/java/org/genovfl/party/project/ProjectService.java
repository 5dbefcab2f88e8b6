package org.genovfl.party.project;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.peer.PartyClient;
import org.genovfl.party.web.InvalidFieldException;
import org.springframework.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The coordinator's side: creates a project (its row, parties and the PROJECT_CREATED audit
 * event with the specification's hash, in one transaction), then registers it at the
 * hospital and each lab over mutual TLS and collects their counts.
 */
@Service
public class ProjectService {

    /** What the coordinator sends a party: the project id and the same specification. */
    public record RegistrationRequest(UUID projectId, ProjectSpec spec, String createdBy) {

        /** @throws InvalidFieldException (400) naming each missing field: a peer's message is checked on arrival */
        void requireComplete() {
            List<InvalidFieldException.FieldError> missing = new ArrayList<>();
            if (projectId == null) {
                missing.add(new InvalidFieldException.FieldError("/projectId", "required"));
            }
            if (spec == null) {
                missing.add(new InvalidFieldException.FieldError("/spec", "required"));
            }
            if (!missing.isEmpty()) {
                throw new InvalidFieldException(HttpStatus.BAD_REQUEST, missing);
            }
        }
    }

    /** The created project, its specification hash and every party's counts. */
    public record CreatedProject(UUID projectId, String specSha256, List<ValidationReport> reports) {
    }

    private static final Logger log = LoggerFactory.getLogger(ProjectService.class);

    private final ProjectRegistration registration;
    private final AuditOutbox outbox;
    private final PartyClient client;
    private final PartyProperties properties;
    private final TransactionTemplate transaction;

    public ProjectService(ProjectRegistration registration, AuditOutbox outbox, PartyClient client, PartyProperties properties,
            PlatformTransactionManager transactions) {
        this.registration = registration;
        this.outbox = outbox;
        this.client = client;
        this.properties = properties;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * @throws IllegalArgumentException listing every problem of the specification, or if a
     *     named party is not a configured peer of the right role
     * @throws org.genovfl.party.peer.PeerCallException if a party cannot be reached or refuses
     */
    public CreatedProject create(ProjectSpec spec, String createdBy) {
        if (properties.role() != PartyRole.COORDINATOR) {
            throw new IllegalArgumentException("projects are defined at the coordinator, not at a " + properties.role());
        }
        List<InvalidFieldException.FieldError> problems = new ArrayList<>(spec.problems().stream()
                .map(ProjectService::fieldError).toList());
        List<PartyProperties.Peer> members = new ArrayList<>();
        if (problems.isEmpty()) {
            members.add(peer(spec.hospital(), PartyRole.HOSPITAL, "/hospital", problems));
            for (int i = 0; i < spec.labs().size(); i++) {
                members.add(peer(spec.labs().get(i), PartyRole.LAB, "/labs/" + i, problems));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFieldException(HttpStatus.BAD_REQUEST, problems);
        }
        UUID projectId = UUID.randomUUID();
        // Every party checks first, storing nothing: a project no party can serve is refused
        // before any party (or this coordinator) stores it.
        List<InvalidFieldException.FieldError> refusals = new ArrayList<>();
        for (PartyProperties.Peer member : members) {
            ValidationReport check = client.post(member, "/peer/projects/check",
                    new RegistrationRequest(projectId, spec, createdBy), ValidationReport.class);
            refusals.addAll(blockingProblems(spec, check));
        }
        if (!refusals.isEmpty()) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, refusals);
        }
        String specSha256 = ProjectRegistration.sha256(spec);
        transaction.executeWithoutResult(status -> {
            registration.storeProject(projectId, spec, createdBy, properties.organisation());
            outbox.record(projectId, AuditEventType.PROJECT_CREATED, Map.of("specification", specSha256),
                    Map.of("labs", Integer.toString(spec.labs().size()),
                            "clinicalFeatures", Integer.toString(spec.clinicalFeatures().size()),
                            "genomicFeatures", Integer.toString(spec.genomicFeatures().size()),
                            "consentRequired", Boolean.toString(spec.consentRequired())));
        });
        log.info("Project {} created; registering it at {} parties", projectId, members.size());
        List<ValidationReport> reports = new ArrayList<>();
        for (PartyProperties.Peer member : members) {
            reports.add(client.post(member, "/peer/projects", new RegistrationRequest(projectId, spec, createdBy),
                    ValidationReport.class));
        }
        return new CreatedProject(projectId, specSha256, reports);
    }

    /**
     * A party's check of a project, as {@link ProjectRegistration#register} would answer it,
     * in a transaction that is rolled back: nothing is stored, no consent snapshot taken, no
     * audit event written.
     */
    public ValidationReport check(RegistrationRequest request, String coordinator) {
        request.requireComplete();
        return transaction.execute(status -> {
            status.setRollbackOnly();
            return registration.register(request.projectId(), request.spec(), request.createdBy(), coordinator);
        });
    }

    /**
     * What makes a project unusable at a party: a label no eligible patient has (or every
     * one has), a lab whose genomic features match no variant, a hospital whose clinical
     * features all match nothing.
     */
    static List<InvalidFieldException.FieldError> blockingProblems(ProjectSpec spec, ValidationReport report) {
        List<InvalidFieldException.FieldError> problems = new ArrayList<>();
        String party = report.organisation();
        if (PartyRole.HOSPITAL.name().equals(report.role())) {
            long eligible = spec.consentRequired() && report.consented() != null ? report.consented() : report.patients();
            if (report.withLabel() != null && report.withLabel() == 0) {
                problems.add(new InvalidFieldException.FieldError("/label", "no eligible patient at " + party
                        + " has the label condition " + spec.label().code() + " (" + eligible + " eligible patients)"));
            } else if (report.withLabel() != null && report.withLabel() >= eligible) {
                problems.add(new InvalidFieldException.FieldError("/label", "every eligible patient at " + party
                        + " has the label condition: a model needs patients without it too"));
            }
            boolean someClinical = report.features().stream().anyMatch(f -> f.matched() > 0);
            if (!spec.clinicalFeatures().isEmpty() && !someClinical) {
                problems.add(new InvalidFieldException.FieldError("/clinicalFeatures", "none of the clinical features "
                        + "has a value for an eligible patient at " + party));
            }
        } else {
            long columns = report.features().stream().filter(f -> f.feature().equals("genomic columns"))
                    .mapToLong(ValidationReport.FeatureCount::matched).sum();
            if (columns == 0) {
                problems.add(new InvalidFieldException.FieldError("/genomicFeatures", "the genomic features match no "
                        + "variant that passes the quality filters at " + party + ": " + String.join("; ",
                                report.problems())));
            }
        }
        return problems;
    }

    /** "genomicFeatures[2].region: chrom:start-end" → pointer /genomicFeatures/2/region. */
    static InvalidFieldException.FieldError fieldError(String problem) {
        int colon = problem.indexOf(": ");
        String path = colon < 0 ? "" : problem.substring(0, colon);
        String detail = colon < 0 ? problem : problem.substring(colon + 2);
        String first = path.split(",")[0].trim();
        String pointer = "/" + first.replaceAll("\\[(\\d+)\\]", ".$1").replace('.', '/');
        return new InvalidFieldException.FieldError(pointer, detail);
    }

    private PartyProperties.Peer peer(String organisation, PartyRole role, String pointer,
            List<InvalidFieldException.FieldError> problems) {
        return properties.peers().stream()
                .filter(p -> p.organisation().equals(organisation) && p.role() == role).findFirst()
                .orElseGet(() -> {
                    problems.add(new InvalidFieldException.FieldError(pointer,
                            organisation + " is not a configured " + role + " peer of this coordinator"));
                    return null;
                });
    }
}
