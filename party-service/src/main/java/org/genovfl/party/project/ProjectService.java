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
        List<String> problems = new ArrayList<>(spec.problems());
        List<PartyProperties.Peer> members = new ArrayList<>();
        if (problems.isEmpty()) {
            members.add(peer(spec.hospital(), PartyRole.HOSPITAL, problems));
            spec.labs().forEach(lab -> members.add(peer(lab, PartyRole.LAB, problems)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the project specification has problems: " + String.join("; ", problems));
        }
        UUID projectId = UUID.randomUUID();
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

    private PartyProperties.Peer peer(String organisation, PartyRole role, List<String> problems) {
        return properties.peers().stream()
                .filter(p -> p.organisation().equals(organisation) && p.role() == role).findFirst()
                .orElseGet(() -> {
                    problems.add(organisation + ": not a configured " + role + " peer of this coordinator");
                    return null;
                });
    }
}
