package org.genovfl.audit.governance;

import static org.genovfl.audit.governance.GovernanceRefusal.STALE_HASH;
import static org.genovfl.audit.governance.GovernanceRefusal.UNKNOWN_PROJECT;
import static org.genovfl.audit.governance.GovernanceRefusal.WRONG_IDENTITY;
import static org.genovfl.audit.governance.GovernanceRefusal.WRONG_STATE;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The study lifecycle as one pure function, so the Fabric chaincode and the embedded ledger
 * apply the very same rules (docs/protocols/governance.md has the table):
 *
 * <pre>
 *   PROPOSE  coordinator          (none) | PROPOSED | ACTIVE  -> PROPOSED, approvals cleared
 *   APPROVE  a named party        PROPOSED, current hash       -> PROPOSED, or ACTIVE once all approved
 *   SUSPEND  named party, coordinator, regulator   ACTIVE | SUSPENDED -> SUSPENDED
 *   RESUME   the one that suspended                SUSPENDED   -> SUSPENDED, or ACTIVE once none is left
 *   CLOSE    coordinator          PROPOSED | ACTIVE | SUSPENDED -> CLOSED
 * </pre>
 *
 * A regulator's identity may only suspend and lift its own suspension. Repeating an accepted
 * transaction (the same proposal, an approval or suspension already in force) changes
 * nothing and adds no record, so a client may resend after a timeout. Checks run in the
 * order: project known, identity, state, hash.
 */
public final class StudyGovernanceRules {

    /**
     * @param status the study's state after the transaction
     * @param record the record to append to its history, or null if nothing changed
     */
    public record Outcome(StudyStatus status, GovernanceRecord record) {
        public boolean changed() {
            return record != null;
        }
    }

    private StudyGovernanceRules() {
    }

    /**
     * @param current the study's state before, or null if it was never proposed
     * @throws GovernanceRefusedException if the rules refuse the transaction
     */
    public static Outcome apply(StudyStatus current, GovernanceRequest request) {
        if (current != null && !current.projectId().equals(request.projectId())) {
            throw new IllegalArgumentException("state of project " + current.projectId() + " given for "
                    + request.projectId());
        }
        if (current == null && request.action() != GovernanceAction.PROPOSE) {
            throw refused(UNKNOWN_PROJECT, request.projectId(), "no study was proposed under this project id");
        }
        return switch (request.action()) {
            case PROPOSE -> propose(current, request);
            case APPROVE -> approve(current, request);
            case SUSPEND -> suspend(current, request);
            case RESUME -> resume(current, request);
            case CLOSE -> close(current, request);
        };
    }

    private static Outcome propose(StudyStatus current, GovernanceRequest request) {
        GovernanceActor actor = request.actor();
        StudyTerms terms = request.terms();
        if (actor.regulator() || !actor.organisation().equals(terms.coordinator())) {
            throw refused(WRONG_IDENTITY, request.projectId(), "only the coordinator the terms name may propose them");
        }
        if (current != null) {
            if (!current.terms().coordinator().equals(actor.organisation())) {
                throw refused(WRONG_IDENTITY, request.projectId(), "only the study's coordinator may change its terms");
            }
            requireState(current, request, StudyState.PROPOSED, StudyState.ACTIVE);
            if (current.terms().equals(terms)) {
                return unchanged(current);
            }
        }
        // New terms: whatever was approved before no longer binds anyone.
        return next(current, request, StudyState.PROPOSED, terms, Set.of(), Set.of());
    }

    private static Outcome approve(StudyStatus current, GovernanceRequest request) {
        String organisation = request.actor().organisation();
        if (request.actor().regulator() || !current.terms().names(organisation)) {
            throw refused(WRONG_IDENTITY, request.projectId(), "only a named party of the study may approve it");
        }
        if (current.state() == StudyState.CLOSED) {
            throw wrongState(current, request);
        }
        if (!current.terms().specificationHash().equals(request.specificationHash())) {
            throw refused(STALE_HASH, request.projectId(), "the approval names specification hash "
                    + request.specificationHash() + ", the current terms hash to "
                    + current.terms().specificationHash());
        }
        if (current.approvals().contains(organisation)) {
            return unchanged(current);
        }
        requireState(current, request, StudyState.PROPOSED);
        SortedSet<String> approvals = new TreeSet<>(current.approvals());
        approvals.add(organisation);
        StudyState after = approvals.containsAll(current.terms().parties()) ? StudyState.ACTIVE : StudyState.PROPOSED;
        return next(current, request, after, current.terms(), approvals, Set.of());
    }

    private static Outcome suspend(StudyStatus current, GovernanceRequest request) {
        GovernanceActor actor = request.actor();
        if (!actor.regulator() && !current.terms().names(actor.organisation())
                && !current.terms().coordinator().equals(actor.organisation())) {
            throw refused(WRONG_IDENTITY, request.projectId(),
                    "only a named party, the coordinator or a regulator may suspend the study");
        }
        requireState(current, request, StudyState.ACTIVE, StudyState.SUSPENDED);
        if (current.suspendedBy().contains(actor.organisation())) {
            return unchanged(current);
        }
        SortedSet<String> suspendedBy = new TreeSet<>(current.suspendedBy());
        suspendedBy.add(actor.organisation());
        return next(current, request, StudyState.SUSPENDED, current.terms(), current.approvals(), suspendedBy);
    }

    private static Outcome resume(StudyStatus current, GovernanceRequest request) {
        requireState(current, request, StudyState.SUSPENDED);
        String organisation = request.actor().organisation();
        if (!current.suspendedBy().contains(organisation)) {
            throw refused(WRONG_IDENTITY, request.projectId(),
                    "only an organisation that suspended the study may lift its own suspension; suspended by "
                            + current.suspendedBy());
        }
        SortedSet<String> suspendedBy = new TreeSet<>(current.suspendedBy());
        suspendedBy.remove(organisation);
        StudyState after = suspendedBy.isEmpty() ? StudyState.ACTIVE : StudyState.SUSPENDED;
        return next(current, request, after, current.terms(), current.approvals(), suspendedBy);
    }

    private static Outcome close(StudyStatus current, GovernanceRequest request) {
        if (request.actor().regulator() || !current.terms().coordinator().equals(request.actor().organisation())) {
            throw refused(WRONG_IDENTITY, request.projectId(), "only the study's coordinator may close it");
        }
        requireState(current, request, StudyState.PROPOSED, StudyState.ACTIVE, StudyState.SUSPENDED);
        return next(current, request, StudyState.CLOSED, current.terms(), current.approvals(), Set.of());
    }

    private static Outcome next(StudyStatus current, GovernanceRequest request, StudyState after, StudyTerms terms,
            Set<String> approvals, Set<String> suspendedBy) {
        long number = current == null ? 1 : current.version() + 1;
        StudyStatus status = new StudyStatus(request.projectId(), after, terms, new TreeSet<>(approvals),
                new TreeSet<>(suspendedBy), number);
        return new Outcome(status, new GovernanceRecord(number, request, after));
    }

    private static Outcome unchanged(StudyStatus current) {
        return new Outcome(current, null);
    }

    private static void requireState(StudyStatus current, GovernanceRequest request, StudyState... allowed) {
        for (StudyState state : allowed) {
            if (current.state() == state) {
                return;
            }
        }
        throw wrongState(current, request);
    }

    private static GovernanceRefusedException wrongState(StudyStatus current, GovernanceRequest request) {
        return refused(WRONG_STATE, request.projectId(), request.action() + " is not allowed in state "
                + current.state());
    }

    private static GovernanceRefusedException refused(GovernanceRefusal refusal, UUID projectId, String message) {
        return new GovernanceRefusedException(refusal, projectId, "project " + projectId + ": " + message);
    }
}
