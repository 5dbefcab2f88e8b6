package org.genovfl.party.psi;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.psi.JointCohortCommitment;
import org.genovfl.psi.JointCohortCommitment.Component;
import org.genovfl.psi.JointCohortMessages;
import org.genovfl.psi.JointCohortMessages.JointCohortAcceptance;
import org.genovfl.psi.JointCohortMessages.JointCohortProposal;
import org.genovfl.psi.PsiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

/**
 * Joint cohorts: one cohort aligned across the hospital and several labs, built from the
 * hospital's completed pairwise runs with each lab ({@link JointCohortMessages}).
 *
 * <p>The hospital ({@link #create}) checks the source runs, then on a background thread
 * forms the joint rows (the patients of every source, in the first source's row order),
 * proposes each lab its rows and every source's component, and completes only once every
 * lab accepted with the same joint commitment; otherwise it fails the run and tells the
 * labs that may hold it to drop it. A lab ({@link #accept}) checks the proposal against its
 * own run with the hospital, recomputes its own component, and holds the cohort CONFIRMED
 * until the hospital's completion: from there on a joint run is a PSI run like any other
 * (completion, abort and the lab's asking for the state go through {@link PsiService}).
 * Logs name runs, steps and counts only.
 */
@Service
public class JointCohortService implements InitializingBean, DisposableBean {

    static final String PEER_PATH = "/peer/psi/joint-cohorts";

    private static final Logger log = LoggerFactory.getLogger(JointCohortService.class);

    private final JointCohortStore store;
    private final PsiRunStore runs;
    private final PartyProperties properties;
    private final PsiPeerCalls calls;
    private final Map<UUID, PsiRunView.Progress> progress = new ConcurrentHashMap<>();
    private final ExecutorService hospitalRuns = Executors.newSingleThreadExecutor(r -> new Thread(r, "joint-cohort"));
    /** Proposals are checked and stored one at a time, so a repeated one finds the first's result. */
    private final Object accepting = new Object();

    JointCohortService(JointCohortStore store, PsiRunStore runs, PartyProperties properties, PsiPeerCalls calls) {
        this.store = store;
        this.runs = runs;
        this.properties = properties;
        this.calls = calls;
    }

    /**
     * A joint run this hospital was building when it stopped has lost its thread: fail it,
     * so that labs holding it CONFIRMED learn, when they ask, that it will never complete.
     */
    @Override
    public void afterPropertiesSet() {
        for (UUID orphan : store.runningHere()) {
            if (runs.fail(orphan, PsiException.Reason.LOCAL_FAILURE + ": this party restarted while building it")) {
                log.warn("Joint cohort {} failed (LOCAL_FAILURE): this party restarted while building it", orphan);
            }
        }
    }

    // ---- hospital -----------------------------------------------------------------------

    /** A joint run at the hospital: its sources in order and the lab of each. */
    private record HospitalRun(UUID runId, UUID projectId, List<UUID> sources, List<PartyProperties.Peer> labs) {
    }

    /**
     * Starts a joint cohort over {@code sourceRunIds} (the first source's row order becomes
     * the joint order) and returns it RUNNING; follow it with {@code GET /api/psi/runs/{id}}.
     *
     * @throws ErrorResponseException (a problem detail) if this party is not a hospital, the
     *     project or a source run is unknown here (404), a source run is not COMPLETED (409),
     *     or a source is not an intersection-mode pairwise run of the project with a
     *     configured lab, or two sources share a lab (422)
     */
    public PsiRunView create(UUID projectId, List<UUID> sourceRunIds) {
        if (properties.role() != PartyRole.HOSPITAL) {
            throw refused(HttpStatus.UNPROCESSABLE_ENTITY, null, "this party is a " + properties.role()
                    + ": only the hospital, which holds a pairwise run with every lab, forms a joint cohort");
        }
        if (runs.linkageType(projectId).isEmpty()) {
            throw refused(HttpStatus.NOT_FOUND, null, "project " + projectId + " is not known to this party");
        }
        if (sourceRunIds.size() < 2 || sourceRunIds.size() > JointCohortMessages.MAX_SOURCES
                || new HashSet<>(sourceRunIds).size() != sourceRunIds.size()) {
            throw refused(HttpStatus.UNPROCESSABLE_ENTITY, null, "a joint cohort joins 2 to "
                    + JointCohortMessages.MAX_SOURCES + " distinct PSI runs, not " + sourceRunIds);
        }
        List<PartyProperties.Peer> labs = new ArrayList<>();
        for (UUID sourceRunId : sourceRunIds) {
            labs.add(labOf(projectId, sourceRunId, labs));
        }
        UUID runId = UUID.randomUUID();
        store.create(runId, projectId, sourceRunIds);
        HospitalRun run = new HospitalRun(runId, projectId, List.copyOf(sourceRunIds), List.copyOf(labs));
        step(run, "ALIGNING", 0);
        log.info("Joint cohort {} started for project {} from {} PSI runs with {}", runId, projectId,
                sourceRunIds.size(), labs.stream().map(PartyProperties.Peer::organisation).toList());
        hospitalRuns.submit(() -> build(run));
        return withProgress(runs.find(runId).orElseThrow());
    }

    /** The configured lab of a usable source run, which none of {@code taken} is. */
    private PartyProperties.Peer labOf(UUID projectId, UUID sourceRunId, List<PartyProperties.Peer> taken) {
        JointCohortStore.SourceRun source = store.source(sourceRunId).orElseThrow(() -> refused(HttpStatus.NOT_FOUND,
                sourceRunId, "no PSI run " + sourceRunId + " at this party"));
        if (!source.projectId().equals(projectId)) {
            throw refused(HttpStatus.UNPROCESSABLE_ENTITY, sourceRunId, "PSI run " + sourceRunId
                    + " belongs to another project");
        }
        if (!source.alignedAPairwiseCohort()) {
            throw refused(HttpStatus.UNPROCESSABLE_ENTITY, sourceRunId, "PSI run " + sourceRunId
                    + " is not a pairwise run in INTERSECTION mode: it aligned no cohort to join");
        }
        if (!"COMPLETED".equals(source.status())) {
            throw refused(HttpStatus.CONFLICT, sourceRunId, "PSI run " + sourceRunId + " is " + source.status()
                    + ", not COMPLETED");
        }
        PartyProperties.Peer lab = calls.peerWithId(source.peerPartyId()).filter(p -> p.role() == PartyRole.LAB)
                .orElseThrow(() -> refused(HttpStatus.UNPROCESSABLE_ENTITY, sourceRunId, "PSI run " + sourceRunId
                        + " was not run with a configured lab"));
        if (taken.contains(lab)) {
            throw refused(HttpStatus.UNPROCESSABLE_ENTITY, sourceRunId, "two of the PSI runs are with "
                    + lab.organisation() + ": a joint cohort takes one run per lab");
        }
        return lab;
    }

    private static ErrorResponseException refused(HttpStatus status, UUID sourceRunId, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle("Joint cohort refused");
        if (sourceRunId != null) {
            problem.setProperty("psiRunId", sourceRunId);
        }
        return new ErrorResponseException(status, problem, null);
    }

    /** Aligns, proposes to every lab, completes; or fails and tells the labs. */
    private void build(HospitalRun run) {
        List<PartyProperties.Peer> proposed = new ArrayList<>();
        try {
            long[] patients = store.jointPatients(run.sources());
            if (patients.length == 0) {
                throw new PsiException(run.runId(), PsiException.Reason.LOCAL_FAILURE,
                        "no patient is in every source run");
            }
            int[][] rows = new int[run.sources().size()][];
            List<Component> components = new ArrayList<>();
            byte[] ownTokens = null;
            for (int i = 0; i < rows.length; i++) {
                UUID source = run.sources().get(i);
                rows[i] = store.rowIndicesOf(source, patients);
                byte[] tokens = store.tokensAt(source, rows[i]).orElseThrow(() -> new PsiException(run.runId(),
                        PsiException.Reason.LOCAL_FAILURE, "source run " + source + " holds no token for some rows"));
                components.add(new Component(source,
                        JointCohortCommitment.component(run.projectId(), run.runId(), source, tokens)));
                if (i == 0) {
                    ownTokens = tokens; // the hospital's rows are the first source's
                }
            }
            store.recordComponents(run.runId(), components);
            String joint = JointCohortCommitment.joint(run.projectId(), run.runId(), components);
            int size = rows[0].length;
            log.info("Joint cohort {}: {} patients are in all {} source runs", run.runId(), size, rows.length);
            for (int i = 0; i < rows.length; i++) {
                step(run, "PROPOSING", i);
                PartyProperties.Peer lab = run.labs().get(i);
                proposed.add(lab);
                JointCohortProposal proposal = new JointCohortProposal(run.runId(), run.projectId(),
                        run.sources().get(i), rows[i], components);
                JointCohortAcceptance accepted = calls.retried(run.runId(), lab.organisation(),
                        () -> calls.postSlowJson(lab, PEER_PATH, proposal, JointCohortAcceptance.class));
                if (accepted.cohortSize() != size || !joint.equals(accepted.cohortCommitment())) {
                    throw new PsiException(run.runId(), PsiException.Reason.RESULT_MISMATCH,
                            lab.organisation() + " accepted another joint cohort");
                }
                log.info("Joint cohort {}: {} accepted its {} rows ({} of {} labs)", run.runId(), lab.organisation(),
                        size, i + 1, rows.length);
            }
            step(run, "COMPLETING", rows.length);
            store.complete(run.projectId(), run.runId(), run.sources().get(0), rows[0], ownTokens, joint);
            log.info("Joint cohort {} completed: {} patients across the hospital and {} labs", run.runId(), size,
                    rows.length);
            for (PartyProperties.Peer lab : run.labs()) {
                calls.sendCompletion(lab, run.runId(), joint);
            }
            step(run, "DONE", rows.length);
        } catch (PeerCallException e) {
            fail(run, new PsiException(run.runId(), PsiException.Reason.PEER_FAILURE, e.getMessage(), e), proposed);
        } catch (PsiException e) {
            fail(run, e, proposed);
        } catch (RuntimeException e) {
            fail(run, new PsiException(run.runId(), PsiException.Reason.LOCAL_FAILURE, e.toString(), e), proposed);
        }
    }

    /** Fails the run here and tells every lab that was sent a proposal (it may hold the cohort) to drop it. */
    private void fail(HospitalRun run, PsiException cause, List<PartyProperties.Peer> proposed) {
        runs.fail(run.runId(), cause.reason() + ": " + cause.detail());
        step(run, "FAILED", proposed.size());
        log.warn("Joint cohort {} failed ({}): {}", run.runId(), cause.reason(), cause.detail());
        for (PartyProperties.Peer lab : proposed) {
            calls.abort(lab, run.runId(), cause.reason().name());
        }
    }

    private void step(HospitalRun run, String step, int labsDone) {
        progress.put(run.runId(), new PsiRunView.Progress(step, labsDone, run.labs().size(), 0, 0));
    }

    /** {@code view} with the progress of this party's joint run, if it is one this party drives. */
    PsiRunView withProgress(PsiRunView view) {
        PsiRunView.Progress live = progress.get(view.runId());
        return live == null ? view : view.withProgress(live);
    }

    // ---- lab ----------------------------------------------------------------------------

    /**
     * Checks a hospital's proposal against this party's own pairwise run with it, stores the
     * joint cohort CONFIRMED and answers with the joint commitment. A repeated proposal gets
     * the same answer; a refused one stores nothing.
     *
     * @throws PsiException PROTOCOL_VIOLATION (422) if this party is not a lab or the caller
     *     not a hospital, the source run is not a pairwise intersection run with the caller of
     *     the proposal's project, a row index is out of range or repeated, or the joint run id
     *     is taken; LOCAL_FAILURE (409) if the project is unknown here or the source run is not
     *     COMPLETED; RESULT_MISMATCH (409) if the claimed component of the source run differs
     *     from the one this party computes
     */
    JointCohortAcceptance accept(String callerOrganisation, PartyRole callerRole, JointCohortProposal proposal) {
        try {
            return checkAndConfirm(callerOrganisation, callerRole, proposal);
        } catch (PsiException e) {
            log.warn("Joint cohort {} refused ({}) to {}: {}", proposal.jointRunId(), e.reason(), callerOrganisation,
                    e.detail());
            throw e;
        }
    }

    private JointCohortAcceptance checkAndConfirm(String callerOrganisation, PartyRole callerRole,
            JointCohortProposal proposal) {
        UUID runId = proposal.jointRunId();
        if (properties.role() != PartyRole.LAB || callerRole != PartyRole.HOSPITAL) {
            throw violation(runId, "a joint cohort is proposed by a hospital to a lab, not by a " + callerRole
                    + " to a " + properties.role());
        }
        UUID hospital = PartyRegistry.idOf(callerOrganisation);
        int[] rows = proposal.rowIndices();
        byte[] tokens = ownRows(proposal, hospital);
        String own = JointCohortCommitment.component(proposal.projectId(), runId, proposal.sourceRunId(), tokens);
        if (!own.equals(proposal.ownComponent())) {
            throw new PsiException(runId, PsiException.Reason.RESULT_MISMATCH, "the component of source run "
                    + proposal.sourceRunId() + " differs from the one this party computes from its rows");
        }
        String joint = JointCohortCommitment.joint(proposal.projectId(), runId, proposal.componentHashes());
        synchronized (accepting) {
            if (runs.find(runId).isPresent()) {
                return repeated(callerOrganisation, proposal, joint);
            }
            store.confirm(proposal.projectId(), runId, hospital, proposal.componentHashes(), proposal.sourceRunId(),
                    rows, tokens, joint);
        }
        log.info("Joint cohort {} confirmed for project {} with {}: {} rows of PSI run {}, {} sources; usable once "
                + "the hospital completes", runId, proposal.projectId(), callerOrganisation, rows.length,
                proposal.sourceRunId(), proposal.componentHashes().size());
        return new JointCohortAcceptance(runId, rows.length, joint);
    }

    /** The proposal's rows of this party's source run, checked, as their tokens in joint order. */
    private byte[] ownRows(JointCohortProposal proposal, UUID hospital) {
        UUID runId = proposal.jointRunId();
        UUID sourceRunId = proposal.sourceRunId();
        if (runs.linkageType(proposal.projectId()).isEmpty()) {
            throw new PsiException(runId, PsiException.Reason.LOCAL_FAILURE, "project " + proposal.projectId()
                    + " is not known to this party");
        }
        JointCohortStore.SourceRun source = store.source(sourceRunId)
                .filter(run -> hospital.equals(run.peerPartyId()))
                .orElseThrow(() -> violation(runId, "no PSI run " + sourceRunId + " with the caller at this party"));
        if (!source.projectId().equals(proposal.projectId())) {
            throw violation(runId, "PSI run " + sourceRunId + " belongs to another project");
        }
        if (!source.alignedAPairwiseCohort()) {
            throw violation(runId, "PSI run " + sourceRunId + " is not a pairwise run in INTERSECTION mode");
        }
        if (!"COMPLETED".equals(source.status())) {
            throw new PsiException(runId, PsiException.Reason.LOCAL_FAILURE, "PSI run " + sourceRunId + " is "
                    + source.status() + " here, not COMPLETED");
        }
        requireRows(runId, proposal.rowIndices(), source.size());
        return store.tokensAt(sourceRunId, proposal.rowIndices()).orElseThrow(() -> new PsiException(runId,
                PsiException.Reason.LOCAL_FAILURE, "PSI run " + sourceRunId + " holds no token for some rows"));
    }

    /** Each joint row must be a distinct row of the source run; the message gives counts, never positions. */
    private static void requireRows(UUID runId, int[] rows, int sourceSize) {
        BitSet seen = new BitSet(sourceSize);
        int bad = 0;
        for (int row : rows) {
            if (row < 0 || row >= sourceSize || seen.get(row)) {
                bad++;
            } else {
                seen.set(row);
            }
        }
        if (bad > 0) {
            throw violation(runId, bad + " of " + rows.length + " row indices are repeated or outside the "
                    + sourceSize + " rows of the source run");
        }
    }

    /** A proposal for a joint run this party already holds: the same answer if it is the same cohort. */
    private JointCohortAcceptance repeated(String callerOrganisation, JointCohortProposal proposal, String joint) {
        UUID runId = proposal.jointRunId();
        PsiRunStore.PeerView stored = runs.peerView(runId, PartyRegistry.idOf(callerOrganisation))
                .filter(run -> Set.of("CONFIRMED", "COMPLETED").contains(run.status()))
                .filter(run -> joint.equals(run.cohortCommitment())
                        && run.intersectionSize() == proposal.rowIndices().length)
                .orElseThrow(() -> violation(runId, "the joint run id is already used here"));
        log.info("Joint cohort {}: proposal repeated by {}, answered again", runId, callerOrganisation);
        return new JointCohortAcceptance(runId, stored.intersectionSize(), joint);
    }

    private static PsiException violation(UUID runId, String detail) {
        return new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION, detail);
    }

    @Override
    public void destroy() {
        hospitalRuns.shutdownNow();
    }
}
