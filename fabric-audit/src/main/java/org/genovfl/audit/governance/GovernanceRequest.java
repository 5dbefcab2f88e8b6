package org.genovfl.audit.governance;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One governance transaction as its actor asks for it. The ledger sets {@code actor} from
 * the caller's identity and {@code at} from the transaction (on Fabric the proposal's
 * timestamp, which every endorsing peer sees alike).
 *
 * @param terms the proposed terms: required for PROPOSE, null otherwise
 * @param specificationHash for PROPOSE the terms' hash; for APPROVE the hash the approver
 *     validated (refused as STALE_HASH unless it is the current one); null otherwise
 * @param reason why, in words an auditor can read: 1..{@value #MAX_REASON} letters, digits,
 *     spaces and simple punctuation. It stays on the channel for good, so never a person's
 *     name or identifier.
 */
public record GovernanceRequest(GovernanceAction action, UUID projectId, GovernanceActor actor, StudyTerms terms,
        String specificationHash, String reason, Instant at) {

    public static final int MAX_REASON = 200;
    private static final Pattern REASON = Pattern.compile("[\\p{L}\\p{N} .,;:'()/+_?!-]{1," + MAX_REASON + "}");

    /** @throws IllegalArgumentException if a field breaks the rules above */
    public GovernanceRequest {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
        if (action == GovernanceAction.PROPOSE) {
            StudyTerms.require(terms != null && terms.projectId().equals(projectId), "terms: required, of this project");
            specificationHash = terms.specificationHash();
        } else {
            StudyTerms.require(terms == null, "terms: only a proposal carries terms");
        }
        if (action == GovernanceAction.APPROVE) {
            StudyTerms.require(specificationHash != null && StudyTerms.SHA256.matcher(specificationHash).matches(),
                    "specificationHash: the lower-case hex SHA-256 the approver validated");
        } else if (action != GovernanceAction.PROPOSE) {
            StudyTerms.require(specificationHash == null, "specificationHash: only a proposal or an approval names one");
        }
        StudyTerms.require(reason != null && !reason.isBlank() && REASON.matcher(reason).matches(),
                "reason: 1.." + MAX_REASON + " letters, digits, spaces and . , ; : ' ( ) / + _ ? ! -");
    }

    public static GovernanceRequest propose(StudyTerms terms, GovernanceActor actor, String reason, Instant at) {
        return new GovernanceRequest(GovernanceAction.PROPOSE, terms.projectId(), actor, terms, null, reason, at);
    }

    public static GovernanceRequest approve(UUID projectId, String specificationHash, GovernanceActor actor,
            String reason, Instant at) {
        return new GovernanceRequest(GovernanceAction.APPROVE, projectId, actor, null, specificationHash, reason, at);
    }

    /** SUSPEND, RESUME or CLOSE, which name only the project. */
    public static GovernanceRequest of(GovernanceAction action, UUID projectId, GovernanceActor actor, String reason,
            Instant at) {
        return new GovernanceRequest(action, projectId, actor, null, null, reason, at);
    }
}
