package org.genovfl.audit.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.genovfl.audit.governance.GovernanceFixtures.COORDINATOR;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V1;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V2;
import static org.genovfl.audit.governance.GovernanceFixtures.HOSPITAL;
import static org.genovfl.audit.governance.GovernanceFixtures.LAB;
import static org.genovfl.audit.governance.GovernanceFixtures.REGULATOR;
import static org.genovfl.audit.governance.GovernanceFixtures.terms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every transition of the study lifecycle and every refusal, on the pure state machine. */
class StudyGovernanceRulesTest {

    static final GovernanceActor HOSPITAL_ACTOR = GovernanceActor.party(HOSPITAL);
    static final GovernanceActor LAB_ACTOR = GovernanceActor.party(LAB);
    static final GovernanceActor COORDINATOR_ACTOR = GovernanceActor.party(COORDINATOR);
    static final GovernanceActor REGULATOR_ACTOR = GovernanceActor.regulator(REGULATOR);

    final UUID project = UUID.randomUUID();
    final List<GovernanceRecord> history = new ArrayList<>();
    StudyStatus status;
    long clock = 1_000;

    StudyStatus run(GovernanceRequest request) {
        StudyGovernanceRules.Outcome outcome = StudyGovernanceRules.apply(status, request);
        if (outcome.changed()) {
            history.add(outcome.record());
        }
        status = outcome.status();
        return status;
    }

    Instant now() {
        return Instant.ofEpochMilli(clock++);
    }

    StudyStatus propose(GovernanceActor actor, String hash) {
        return run(GovernanceRequest.propose(terms(project, hash), actor, "protocol agreed", now()));
    }

    StudyStatus approve(GovernanceActor actor, String hash) {
        return run(GovernanceRequest.approve(project, hash, actor, "validated the specification", now()));
    }

    StudyStatus act(GovernanceAction action, GovernanceActor actor) {
        return run(GovernanceRequest.of(action, project, actor, action.name().toLowerCase() + " for a reason", now()));
    }

    StudyStatus active() {
        propose(COORDINATOR_ACTOR, HASH_V1);
        approve(HOSPITAL_ACTOR, HASH_V1);
        return approve(LAB_ACTOR, HASH_V1);
    }

    static void assertRefused(Runnable call, GovernanceRefusal refusal) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(GovernanceRefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(refusal));
    }

    @Test
    void proposedThenApprovedByEachNamedPartyBecomesActive() {
        StudyStatus proposed = propose(COORDINATOR_ACTOR, HASH_V1);
        assertThat(proposed.state()).isEqualTo(StudyState.PROPOSED);
        assertThat(proposed.approvals()).isEmpty();
        assertThat(proposed.version()).isEqualTo(1);

        StudyStatus halfApproved = approve(HOSPITAL_ACTOR, HASH_V1);
        assertThat(halfApproved.state()).isEqualTo(StudyState.PROPOSED);
        assertThat(halfApproved.approvals()).containsExactly(HOSPITAL);
        assertThat(halfApproved.permits(StudyProtocol.TRAINING, HASH_V1)).isFalse();

        StudyStatus active = approve(LAB_ACTOR, HASH_V1);
        assertThat(active.state()).isEqualTo(StudyState.ACTIVE);
        assertThat(active.approvals()).containsExactly(LAB, HOSPITAL);
        assertThat(active.permits(StudyProtocol.TRAINING, HASH_V1)).isTrue();
        assertThat(active.permits(StudyProtocol.GWAS, HASH_V1)).as("not an allowed protocol").isFalse();
        assertThat(active.permits(StudyProtocol.TRAINING, HASH_V2)).as("other specification").isFalse();

        assertThat(history).extracting(r -> r.request().action(), GovernanceRecord::stateAfter, GovernanceRecord::number)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(GovernanceAction.PROPOSE, StudyState.PROPOSED, 1L),
                        org.assertj.core.groups.Tuple.tuple(GovernanceAction.APPROVE, StudyState.PROPOSED, 2L),
                        org.assertj.core.groups.Tuple.tuple(GovernanceAction.APPROVE, StudyState.ACTIVE, 3L));
        assertThat(history.get(2).request().actor()).isEqualTo(LAB_ACTOR);
    }

    @Test
    void aNewProposalAfterApprovalInvalidatesEveryApproval() {
        propose(COORDINATOR_ACTOR, HASH_V1);
        approve(HOSPITAL_ACTOR, HASH_V1);
        StudyStatus reproposed = propose(COORDINATOR_ACTOR, HASH_V2);
        assertThat(reproposed.state()).isEqualTo(StudyState.PROPOSED);
        assertThat(reproposed.approvals()).isEmpty();
        assertThat(reproposed.terms().specificationHash()).isEqualTo(HASH_V2);

        assertRefused(() -> approve(LAB_ACTOR, HASH_V1), GovernanceRefusal.STALE_HASH);
        approve(LAB_ACTOR, HASH_V2);
        assertThat(approve(HOSPITAL_ACTOR, HASH_V2).state()).isEqualTo(StudyState.ACTIVE);
    }

    @Test
    void changingTheTermsOfAnActiveStudyTakesItBackToProposed() {
        active();
        StudyStatus reproposed = propose(COORDINATOR_ACTOR, HASH_V2);
        assertThat(reproposed.state()).isEqualTo(StudyState.PROPOSED);
        assertThat(reproposed.approvals()).isEmpty();
        assertThat(reproposed.permits(StudyProtocol.TRAINING, HASH_V2)).isFalse();
        assertRefused(() -> approve(HOSPITAL_ACTOR, HASH_V1), GovernanceRefusal.STALE_HASH);
    }

    @Test
    void aChangedParameterUnderTheSameHashIsANewProposalToo() {
        active();
        StudyTerms original = terms(project, HASH_V1);
        StudyTerms smallerCohort = new StudyTerms(project, HASH_V1, COORDINATOR, original.parties(), original.label(),
                original.featureCounts(), original.allowedProtocols(), 10, original.releaseRules());
        StudyStatus after = run(GovernanceRequest.propose(smallerCohort, COORDINATOR_ACTOR, "smaller cohort", now()));
        assertThat(after.state()).isEqualTo(StudyState.PROPOSED);
        assertThat(after.approvals()).isEmpty();
    }

    @Test
    void repeatingAnAcceptedTransactionChangesNothing() {
        propose(COORDINATOR_ACTOR, HASH_V1);
        approve(HOSPITAL_ACTOR, HASH_V1);
        int recorded = history.size();
        assertThat(propose(COORDINATOR_ACTOR, HASH_V1).approvals()).as("same terms again").containsExactly(HOSPITAL);
        approve(HOSPITAL_ACTOR, HASH_V1);
        assertThat(history).hasSize(recorded);
        approve(LAB_ACTOR, HASH_V1);
        assertThat(approve(LAB_ACTOR, HASH_V1).state()).as("a retried last approval").isEqualTo(StudyState.ACTIVE);
        act(GovernanceAction.SUSPEND, HOSPITAL_ACTOR);
        assertThat(act(GovernanceAction.SUSPEND, HOSPITAL_ACTOR).suspendedBy()).containsExactly(HOSPITAL);
        assertThat(history).hasSize(recorded + 2);
    }

    @Test
    void anyNamedPartyTheCoordinatorOrTheRegulatorSuspendsAndEachLiftsOnlyItsOwnSuspension() {
        active();
        StudyStatus suspended = act(GovernanceAction.SUSPEND, LAB_ACTOR);
        assertThat(suspended.state()).isEqualTo(StudyState.SUSPENDED);
        assertThat(suspended.permits(StudyProtocol.TRAINING, HASH_V1)).isFalse();
        assertThat(act(GovernanceAction.SUSPEND, REGULATOR_ACTOR).suspendedBy()).containsExactly(LAB, REGULATOR);

        assertRefused(() -> act(GovernanceAction.RESUME, HOSPITAL_ACTOR), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> act(GovernanceAction.RESUME, COORDINATOR_ACTOR), GovernanceRefusal.WRONG_IDENTITY);

        StudyStatus stillSuspended = act(GovernanceAction.RESUME, LAB_ACTOR);
        assertThat(stillSuspended.state()).as("the regulator's suspension stands").isEqualTo(StudyState.SUSPENDED);
        assertThat(stillSuspended.suspendedBy()).containsExactly(REGULATOR);
        assertRefused(() -> act(GovernanceAction.RESUME, LAB_ACTOR), GovernanceRefusal.WRONG_IDENTITY);

        StudyStatus resumed = act(GovernanceAction.RESUME, REGULATOR_ACTOR);
        assertThat(resumed.state()).isEqualTo(StudyState.ACTIVE);
        assertThat(resumed.suspendedBy()).isEmpty();
        assertThat(resumed.approvals()).as("suspension does not touch approvals").containsExactly(LAB, HOSPITAL);

        assertThat(act(GovernanceAction.SUSPEND, COORDINATOR_ACTOR).state()).isEqualTo(StudyState.SUSPENDED);
        assertThat(act(GovernanceAction.RESUME, COORDINATOR_ACTOR).state()).isEqualTo(StudyState.ACTIVE);
        assertThat(history).extracting(r -> r.request().action()).containsSubsequence(GovernanceAction.SUSPEND,
                GovernanceAction.SUSPEND, GovernanceAction.RESUME, GovernanceAction.RESUME);
    }

    @Test
    void theCoordinatorClosesFromEveryOpenStateAndClosedIsFinal() {
        propose(COORDINATOR_ACTOR, HASH_V1);
        assertThat(act(GovernanceAction.CLOSE, COORDINATOR_ACTOR).state()).isEqualTo(StudyState.CLOSED);
        assertClosedRefusesEverything();

        status = null;
        active();
        assertThat(act(GovernanceAction.CLOSE, COORDINATOR_ACTOR).state()).isEqualTo(StudyState.CLOSED);

        status = null;
        active();
        act(GovernanceAction.SUSPEND, REGULATOR_ACTOR);
        StudyStatus closed = act(GovernanceAction.CLOSE, COORDINATOR_ACTOR);
        assertThat(closed.state()).isEqualTo(StudyState.CLOSED);
        assertThat(closed.suspendedBy()).isEmpty();
        assertThat(closed.permits(StudyProtocol.TRAINING, HASH_V1)).isFalse();
        assertClosedRefusesEverything();
    }

    private void assertClosedRefusesEverything() {
        assertRefused(() -> propose(COORDINATOR_ACTOR, HASH_V2), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> approve(HOSPITAL_ACTOR, HASH_V1), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> act(GovernanceAction.SUSPEND, REGULATOR_ACTOR), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> act(GovernanceAction.RESUME, REGULATOR_ACTOR), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> act(GovernanceAction.CLOSE, COORDINATOR_ACTOR), GovernanceRefusal.WRONG_STATE);
    }

    @Test
    void refusesIdentitiesWithoutTheRightToTheTransition() {
        assertRefused(() -> propose(HOSPITAL_ACTOR, HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> propose(GovernanceActor.regulator(COORDINATOR), HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertThat(status).as("nothing was proposed").isNull();

        propose(COORDINATOR_ACTOR, HASH_V1);
        assertRefused(() -> approve(COORDINATOR_ACTOR, HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> approve(REGULATOR_ACTOR, HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> approve(GovernanceActor.regulator(HOSPITAL), HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> approve(GovernanceActor.party("Another Lab"), HASH_V1), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> act(GovernanceAction.CLOSE, HOSPITAL_ACTOR), GovernanceRefusal.WRONG_IDENTITY);
        assertRefused(() -> act(GovernanceAction.CLOSE, REGULATOR_ACTOR), GovernanceRefusal.WRONG_IDENTITY);

        approve(HOSPITAL_ACTOR, HASH_V1);
        approve(LAB_ACTOR, HASH_V1);
        assertRefused(() -> act(GovernanceAction.SUSPEND, GovernanceActor.party("Another Lab")),
                GovernanceRefusal.WRONG_IDENTITY);
        StudyTerms hijacked = terms(project, HASH_V2);
        StudyTerms labAsCoordinator = new StudyTerms(project, HASH_V2, LAB, hijacked.parties(), hijacked.label(),
                hijacked.featureCounts(), hijacked.allowedProtocols(), 50, hijacked.releaseRules());
        assertRefused(() -> run(GovernanceRequest.propose(labAsCoordinator, LAB_ACTOR, "take over", now())),
                GovernanceRefusal.WRONG_IDENTITY);
        assertThat(status.state()).isEqualTo(StudyState.ACTIVE);
        assertThat(history).hasSize(3);
    }

    @Test
    void refusesTransitionsFromTheWrongState() {
        propose(COORDINATOR_ACTOR, HASH_V1);
        assertRefused(() -> act(GovernanceAction.SUSPEND, HOSPITAL_ACTOR), GovernanceRefusal.WRONG_STATE);
        assertRefused(() -> act(GovernanceAction.RESUME, HOSPITAL_ACTOR), GovernanceRefusal.WRONG_STATE);
        approve(HOSPITAL_ACTOR, HASH_V1);
        approve(LAB_ACTOR, HASH_V1);
        assertRefused(() -> act(GovernanceAction.RESUME, HOSPITAL_ACTOR), GovernanceRefusal.WRONG_STATE);
        act(GovernanceAction.SUSPEND, HOSPITAL_ACTOR);
        assertRefused(() -> propose(COORDINATOR_ACTOR, HASH_V2), GovernanceRefusal.WRONG_STATE);
        assertThat(status.state()).isEqualTo(StudyState.SUSPENDED);
    }

    @Test
    void refusesEverythingButAProposalForAnUnknownProject() {
        assertRefused(() -> approve(HOSPITAL_ACTOR, HASH_V1), GovernanceRefusal.UNKNOWN_PROJECT);
        for (GovernanceAction action : List.of(GovernanceAction.SUSPEND, GovernanceAction.RESUME, GovernanceAction.CLOSE)) {
            assertRefused(() -> act(action, COORDINATOR_ACTOR), GovernanceRefusal.UNKNOWN_PROJECT);
        }
    }

    @Test
    void refusesMalformedTermsAndReasons() {
        StudyTerms good = terms(project, HASH_V1);
        List<Runnable> bad = List.of(
                () -> new StudyTerms(project, "ABC", COORDINATOR, good.parties(), good.label(), good.featureCounts(),
                        good.allowedProtocols(), 50, good.releaseRules()),
                () -> new StudyTerms(project, HASH_V1, COORDINATOR, List.of(HOSPITAL, HOSPITAL), good.label(),
                        good.featureCounts(), good.allowedProtocols(), 50, good.releaseRules()),
                () -> new StudyTerms(project, HASH_V1, COORDINATOR, good.parties(), good.label(),
                        new java.util.TreeMap<>(java.util.Map.of("Stranger", 3)), good.allowedProtocols(), 50,
                        good.releaseRules()),
                () -> new StudyTerms(project, HASH_V1, COORDINATOR, good.parties(), good.label(), good.featureCounts(),
                        new java.util.TreeSet<>(), 50, good.releaseRules()),
                () -> new StudyTerms(project, HASH_V1, COORDINATOR, good.parties(), good.label(), good.featureCounts(),
                        good.allowedProtocols(), 0, good.releaseRules()),
                () -> new StudyTerms(project, HASH_V1, COORDINATOR, good.parties(), good.label(), good.featureCounts(),
                        good.allowedProtocols(), 50, new StudyTerms.ReleaseRules(5, "BEST_VALIDATION", COORDINATOR)),
                () -> new StudyTerms.Label("http://snomed.info/sct", "Jane Doe"),
                () -> GovernanceRequest.of(GovernanceAction.SUSPEND, project, LAB_ACTOR, " ", now()),
                () -> GovernanceRequest.of(GovernanceAction.SUSPEND, project, LAB_ACTOR, "line\nbreak", now()),
                () -> GovernanceRequest.of(GovernanceAction.SUSPEND, project, LAB_ACTOR, "x".repeat(201), now()),
                () -> GovernanceRequest.approve(project, "not a hash", LAB_ACTOR, "ok", now()));
        for (Runnable call : bad) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void everyTypeSurvivesItsCanonicalJsonAndUnknownFieldsAreRefused() {
        active();
        act(GovernanceAction.SUSPEND, REGULATOR_ACTOR);
        String statusJson = GovernanceJson.toJson(status);
        assertThat(GovernanceJson.statusFromJson(statusJson)).isEqualTo(status);
        assertThat(GovernanceJson.toJson(GovernanceJson.statusFromJson(statusJson))).isEqualTo(statusJson);
        assertThat(GovernanceJson.historyFromJson(GovernanceJson.historyToJson(history))).isEqualTo(history);
        String request = GovernanceJson.toJson(history.get(0).request());
        assertThat(request).startsWith("{\"action\":\"PROPOSE\",\"actor\":{\"organisation\":\"" + COORDINATOR);

        for (String bad : List.of("not json", "{}", request.replace("{\"action\"", "{\"patient\":\"BB-1\",\"action\""),
                request.replace("\"PROPOSE\"", "\"DELETE\""), request.replace("\"regulator\":false", "\"regulator\":\"no\""))) {
            assertThatThrownBy(() -> GovernanceJson.requestFromJson(bad))
                    .isInstanceOfSatisfying(GovernanceRefusedException.class,
                            e -> assertThat(e.refusal()).isEqualTo(GovernanceRefusal.INVALID_REQUEST))
                    .hasMessageNotContaining("BB-1");
        }
    }
}
