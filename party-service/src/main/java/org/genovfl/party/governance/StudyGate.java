package org.genovfl.party.governance;

import java.util.Objects;
import java.util.UUID;
import org.genovfl.audit.governance.GovernanceException;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.genovfl.audit.governance.StudyGovernance;
import org.genovfl.audit.governance.StudyProtocol;
import org.genovfl.audit.governance.StudyState;
import org.genovfl.audit.governance.StudyStatus;
import org.genovfl.party.project.ProjectRegistration;
import org.genovfl.party.project.ProjectSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a party checks before it acts on a study (docs/protocols/governance.md): the study is
 * ACTIVE on the ledger, the protocol is one its terms allow, the specification the request
 * carries hashes to the approved one, and the cohort is not below the agreed minimum. A
 * ledger that cannot be read refuses too: a party never acts on a study it cannot see is
 * active.
 *
 * <p>Issue 17, first part: the check behind {@link StudyGovernance}; PSI, training, GWAS and
 * inference do not call it yet.
 */
public final class StudyGate {

    /** Why a step was refused; stable names for logs, problem details and the audit trail. */
    public enum Reason {
        /** No study was ever proposed under this project id. */
        NOT_PROPOSED,
        /** The study is PROPOSED, SUSPENDED or CLOSED. */
        NOT_ACTIVE,
        /** The terms do not allow this protocol. */
        PROTOCOL_NOT_ALLOWED,
        /** The specification of the request is not the one the parties approved. */
        SPECIFICATION_CHANGED,
        /** Fewer matched patients than the terms' minimum cohort size. */
        COHORT_TOO_SMALL,
        /** The ledger could not be read. */
        LEDGER_UNAVAILABLE
    }

    /** The step is not permitted; the message names the project, the protocol and the reason only. */
    public static final class StepRefusedException extends RuntimeException {

        private final UUID projectId;
        private final StudyProtocol protocol;
        private final Reason reason;

        StepRefusedException(UUID projectId, StudyProtocol protocol, Reason reason, String detail, Throwable cause) {
            super("project " + projectId + ": " + protocol + " refused, " + reason + " (" + detail + ")", cause);
            this.projectId = projectId;
            this.protocol = protocol;
            this.reason = reason;
        }

        public UUID projectId() {
            return projectId;
        }

        public StudyProtocol protocol() {
            return protocol;
        }

        public Reason reason() {
            return reason;
        }
    }

    /** A cohort size not known yet (before the PSI has run). */
    public static final long COHORT_NOT_KNOWN = -1;

    private static final Logger log = LoggerFactory.getLogger(StudyGate.class);

    private final StudyGovernance governance;

    public StudyGate(StudyGovernance governance) {
        this.governance = Objects.requireNonNull(governance, "governance");
    }

    /**
     * @param spec the specification the request carries (hashed as every party hashes it)
     * @param cohortSize matched patients the step would use, or {@link #COHORT_NOT_KNOWN}
     * @return the study's status that permitted the step
     * @throws StepRefusedException naming why not
     */
    public StudyStatus requirePermitted(UUID projectId, StudyProtocol protocol, ProjectSpec spec, long cohortSize) {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(protocol, "protocol");
        StudyStatus status;
        try {
            status = governance.state(projectId);
        } catch (GovernanceRefusedException e) {
            if (e.refusal() == GovernanceRefusal.UNKNOWN_PROJECT) {
                throw refused(projectId, protocol, Reason.NOT_PROPOSED, "no study on the ledger", e);
            }
            throw refused(projectId, protocol, Reason.LEDGER_UNAVAILABLE, e.refusal().name(), e);
        } catch (GovernanceException e) {
            throw refused(projectId, protocol, Reason.LEDGER_UNAVAILABLE, "the ledger could not be read", e);
        }
        if (status.state() != StudyState.ACTIVE) {
            throw refused(projectId, protocol, Reason.NOT_ACTIVE, "state " + status.state(), null);
        }
        if (!status.terms().allowedProtocols().contains(protocol)) {
            throw refused(projectId, protocol, Reason.PROTOCOL_NOT_ALLOWED, "allowed " + status.terms().allowedProtocols(),
                    null);
        }
        String hash = ProjectRegistration.sha256(spec);
        if (!status.permits(protocol, hash)) {
            throw refused(projectId, protocol, Reason.SPECIFICATION_CHANGED, "specification hashes to " + hash
                    + ", approved " + status.terms().specificationHash(), null);
        }
        if (cohortSize != COHORT_NOT_KNOWN && cohortSize < status.terms().minimumCohortSize()) {
            throw refused(projectId, protocol, Reason.COHORT_TOO_SMALL, cohortSize + " matched, the terms require "
                    + status.terms().minimumCohortSize(), null);
        }
        return status;
    }

    private static StepRefusedException refused(UUID projectId, StudyProtocol protocol, Reason reason, String detail,
            Throwable cause) {
        StepRefusedException refused = new StepRefusedException(projectId, protocol, reason, detail, cause);
        log.warn("{}", refused.getMessage());
        return refused;
    }
}
