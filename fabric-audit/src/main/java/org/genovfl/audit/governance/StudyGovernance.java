package org.genovfl.audit.governance;

import java.util.List;
import java.util.UUID;

/**
 * A study's lifecycle on a ledger, used by one organisation: every call acts as that
 * organisation's identity (on Fabric the gateway's client identity, on the embedded ledger
 * the party's signing key), so nobody can approve or suspend in another's name. The rules
 * are {@link StudyGovernanceRules} on both ledgers; docs/protocols/governance.md has them.
 *
 * <pre>{@code
 * governance.propose(terms, "protocol v2 agreed at the steering meeting");   // coordinator
 * governance.approve(projectId, terms.specificationHash(), "validated features and cohort rules"); // each party
 * if (!governance.state(projectId).permits(StudyProtocol.TRAINING, hashOfMySpec)) { refuse(); }
 * }</pre>
 *
 * <p>Each method returns the study's state after the transaction, or throws
 * {@link GovernanceRefusedException} with a stable {@link GovernanceRefusal}, or
 * {@link GovernanceException} if the ledger cannot be reached (the call may then be
 * repeated: an accepted transaction repeated changes nothing).
 */
public interface StudyGovernance {

    /** Proposes {@code terms}, or replaces the terms of a PROPOSED or ACTIVE study (approvals start over). */
    StudyStatus propose(StudyTerms terms, String reason);

    /** Approves the study's current terms, naming the specification hash this party validated. */
    StudyStatus approve(UUID projectId, String specificationHash, String reason);

    StudyStatus suspend(UUID projectId, String reason);

    /** Lifts this organisation's own suspension. */
    StudyStatus resume(UUID projectId, String reason);

    StudyStatus close(UUID projectId, String reason);

    /** @throws GovernanceRefusedException with UNKNOWN_PROJECT if no study was proposed under this id */
    StudyStatus state(UUID projectId);

    /** Every accepted transaction of the study, oldest first; empty if it was never proposed. */
    List<GovernanceRecord> history(UUID projectId);
}
