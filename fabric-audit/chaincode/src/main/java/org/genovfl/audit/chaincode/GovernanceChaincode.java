package org.genovfl.audit.chaincode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.genovfl.audit.governance.GovernanceAction;
import org.genovfl.audit.governance.GovernanceJson;
import org.genovfl.audit.governance.GovernanceRecord;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.genovfl.audit.governance.GovernanceRequest;
import org.genovfl.audit.governance.StudyGovernanceRules;
import org.genovfl.audit.governance.StudyStatus;

/**
 * The governance transactions of the chaincode over the world state, apart from the shim so
 * they read (and are tested) as plain Java; {@link GovernanceContract} wires them to Fabric.
 * The rules are {@link StudyGovernanceRules}, the same the embedded ledger applies; what
 * this class adds is who the caller is (from the submitter's MSP id, never the request)
 * and when (the transaction's timestamp, the same on every endorsing peer).
 *
 * <p>World state layout (beside the audit contract's keys, which never start with "study"):
 * <pre>
 * study/&lt;projectId&gt;                     the study's current StudyStatus (GovernanceJson)
 * study-history/&lt;projectId&gt;/&lt;number&gt;   each accepted transaction, number zero-padded to 19 digits
 * </pre>
 */
final class GovernanceChaincode {

    private static final String AFTER = "~";

    private final OrganisationDirectory organisations;

    GovernanceChaincode(OrganisationDirectory organisations) {
        this.organisations = organisations;
    }

    /** Proposes the terms in {@code termsJson} (see GovernanceJson) as the submitter. */
    String propose(WorldState state, String submitterMsp, Instant at, String termsJson, String reason) {
        var terms = GovernanceJson.termsFromJson(termsJson);
        return submit(state, () -> GovernanceRequest.propose(terms, organisations.actorOf(submitterMsp), reason, at));
    }

    String approve(WorldState state, String submitterMsp, Instant at, String projectId, String specificationHash,
            String reason) {
        UUID project = projectId(projectId);
        return submit(state, () -> GovernanceRequest.approve(project, specificationHash,
                organisations.actorOf(submitterMsp), reason, at));
    }

    /** SUSPEND, RESUME or CLOSE. */
    String act(WorldState state, GovernanceAction action, String submitterMsp, Instant at, String projectId,
            String reason) {
        UUID project = projectId(projectId);
        return submit(state, () -> GovernanceRequest.of(action, project, organisations.actorOf(submitterMsp), reason, at));
    }

    /** The study's StudyStatus JSON; UNKNOWN_PROJECT if it was never proposed. */
    String study(WorldState state, String projectId) {
        UUID project = projectId(projectId);
        String json = state.get(statusKey(project));
        if (json == null) {
            throw new GovernanceRefusedException(GovernanceRefusal.UNKNOWN_PROJECT, project,
                    "project " + project + ": no study was proposed under this project id");
        }
        return json;
    }

    /** The study's accepted transactions, oldest first, as a JSON array of GovernanceRecord. */
    String history(WorldState state, String projectId) {
        String prefix = historyPrefix(projectId(projectId));
        List<String> records = new ArrayList<>();
        for (Map.Entry<String, String> entry : state.range(prefix, prefix + AFTER)) {
            records.add(entry.getValue());
        }
        return "[" + String.join(",", records) + "]";
    }

    private interface RequestBuilder {
        GovernanceRequest build();
    }

    private static String submit(WorldState state, RequestBuilder builder) {
        GovernanceRequest request;
        try {
            request = builder.build();
        } catch (IllegalArgumentException e) {
            // The request types' messages name the field and its rule, never the value.
            throw new GovernanceRefusedException(GovernanceRefusal.INVALID_REQUEST, null, e.getMessage());
        }
        String current = state.get(statusKey(request.projectId()));
        StudyGovernanceRules.Outcome outcome = StudyGovernanceRules.apply(
                current == null ? null : GovernanceJson.statusFromJson(current), request);
        String status = GovernanceJson.toJson(outcome.status());
        if (outcome.changed()) {
            GovernanceRecord record = outcome.record();
            state.put(statusKey(request.projectId()), status);
            state.put(historyPrefix(request.projectId()) + String.format(Locale.ROOT, "%019d", record.number()),
                    GovernanceJson.toJson(record));
        }
        return status;
    }

    private static UUID projectId(String projectId) {
        try {
            return UUID.fromString(projectId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new GovernanceRefusedException(GovernanceRefusal.INVALID_REQUEST, null, "projectId must be a UUID");
        }
    }

    private static String statusKey(UUID projectId) {
        return "study/" + projectId;
    }

    private static String historyPrefix(UUID projectId) {
        return "study-history/" + projectId + "/";
    }
}
