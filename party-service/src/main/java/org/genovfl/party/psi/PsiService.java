package org.genovfl.party.psi;

import static org.genovfl.party.psi.PsiPeerCalls.PEER_BASE;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.party.peer.CountingInputStream;
import org.genovfl.party.peer.PartyClient;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.psi.BlindedChunkCodec;
import org.genovfl.psi.IdentifierType;
import org.genovfl.psi.LinkageRecord;
import org.genovfl.psi.PsiException;
import org.genovfl.psi.PsiMessages.Acceptance;
import org.genovfl.psi.PsiMessages.BlindedChunk;
import org.genovfl.psi.PsiMessages.Completion;
import org.genovfl.psi.PsiMessages.Confirmation;
import org.genovfl.psi.PsiMessages.Invitation;
import org.genovfl.psi.PsiMessages.RunState;
import org.genovfl.psi.PsiMessages.Stage;
import org.genovfl.psi.PsiMode;
import org.genovfl.psi.PsiResult;
import org.genovfl.psi.PsiRole;
import org.genovfl.psi.PsiSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Runs private set intersection with another party, as initiator (started through the
 * people API, driven on a background thread) or as responder (driven by the initiator's
 * calls to the peer API). The protocol itself is {@link PsiSession}; this class moves its
 * messages over mutual TLS, reports progress, and stores the outcome.
 *
 * <p>Failure is clean by construction: the aligned cohort is written only by
 * {@link PsiRunStore#complete}, after both parties confirmed the same intersection; any
 * failure (peer unreachable or gone quiet, a malformed or identity point, a broken stream,
 * a mismatch) marks the run FAILED with the reason and wipes the session's secrets.
 * Completion is two-phase: the responder holds its cohort CONFIRMED (not usable) until the
 * initiator, having checked the responder's confirmation and completed, sends its
 * {@link Completion}; a lost message is repaired by retrying (both steps are idempotent),
 * and a responder left CONFIRMED asks the initiator how the run ended
 * ({@link #resolveConfirmedRuns}).
 * Logs name runs, steps and counts only, never an identifier or a blinded value.
 */
@Service
public class PsiService implements DisposableBean {

    private static final int MAX_CHUNK = 1 << 16;

    private static final Logger log = LoggerFactory.getLogger(PsiService.class);

    private final PsiRunStore store;
    private final PartyProperties properties;
    private final PartyClient client;
    private final PsiPeerCalls calls;
    private final Duration idleTimeout;
    private final Duration confirmationTimeout;
    private final Map<UUID, ActiveRun> active = new ConcurrentHashMap<>();
    private final Map<UUID, PsiRunView.Progress> finishedProgress = new ConcurrentHashMap<>();
    private final ExecutorService initiatorRuns = Executors.newSingleThreadExecutor(r -> new Thread(r, "psi-initiator"));
    /** The initiator's confirmation call, made while it stores its cohort. */
    private final ExecutorService confirmations = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "psi-confirmation");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "psi-idle-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    PsiService(PsiRunStore store, PartyProperties properties, PsiPeerCalls calls,
            @Value("${genovfl.psi.idle-timeout:120s}") Duration idleTimeout,
            @Value("${genovfl.psi.confirmation-timeout:1h}") Duration confirmationTimeout) {
        this.store = store;
        this.properties = properties;
        this.client = calls.client();
        this.calls = calls;
        this.idleTimeout = idleTimeout;
        this.confirmationTimeout = confirmationTimeout;
        long period = Math.max(1, Math.min(10, idleTimeout.toSeconds() / 2));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.SECONDS);
    }

    /**
     * Starts a run with {@code peerOrganisation} for {@code projectId} on a background
     * thread and returns it as RUNNING; follow it with {@link #find}.
     *
     * @throws IllegalArgumentException if the project is unknown here, or the peer is not a
     *     configured hospital or lab, or this party is not a hospital or lab
     */
    public PsiRunView start(UUID projectId, String peerOrganisation, PsiMode mode) {
        IdentifierType type = store.linkageType(projectId)
                .orElseThrow(() -> new IllegalArgumentException("project " + projectId + " is not known to this party"));
        requireDataHolder(properties.role(), "this party");
        PartyProperties.Peer peer = properties.peer(peerOrganisation)
                .orElseThrow(() -> new IllegalArgumentException("no configured peer is called " + peerOrganisation));
        requireDataHolder(peer.role(), peerOrganisation);
        UUID runId = UUID.randomUUID();
        store.create(runId, projectId, PartyRegistry.idOf(peerOrganisation), mode, PsiRole.INITIATOR);
        ActiveRun run = new ActiveRun(runId, projectId, peerOrganisation, PsiRole.INITIATOR);
        active.put(runId, run);
        log.info("PSI run {} started for project {} with {} ({} mode)", runId, projectId, peerOrganisation, mode);
        initiatorRuns.submit(() -> runAsInitiator(run, peer, type, mode));
        return find(runId).orElseThrow();
    }

    /** The run with its live progress, if this party took part in it. */
    public Optional<PsiRunView> find(UUID runId) {
        return store.find(runId).map(view -> {
            ActiveRun run = active.get(runId);
            PsiRunView.Progress progress = run != null ? run.progress() : finishedProgress.get(runId);
            return view.withProgress(progress);
        });
    }

    // ---- initiator ----------------------------------------------------------------------

    private void runAsInitiator(ActiveRun run, PartyProperties.Peer peer, IdentifierType type, PsiMode mode) {
        try {
            PsiSession session = PsiSession.builder().runId(run.runId).projectId(run.projectId).identifierType(type)
                    .mode(mode).role(PsiRole.INITIATOR).records(eligibleRecords(run.runId, run.projectId, type)).build();
            run.attach(session);
            store.recordSetSize(run.runId, session.localSetSize(), session.duplicates().duplicatedValues());
            logPrepared(run, session);
            Acceptance acceptance = calls.postSlowJson(peer, PEER_BASE,
                    new Invitation(run.runId, run.projectId, type, mode, session.localSetSize()), Acceptance.class);
            run.act(s -> s.peerSetSize(acceptance.responderSetSize()));
            log.info("PSI run {}: {} accepted with {} identifiers", run.runId, peer.organisation(),
                    acceptance.responderSetSize());
            exchangeAsInitiator(run, peer, "/singles", Stage.SINGLY_BLINDED, PsiSession.Step.RECEIVE_PEER_SINGLES);
            exchangeAsInitiator(run, peer, "/doubles", Stage.DOUBLY_BLINDED, PsiSession.Step.RECEIVE_OWN_DOUBLES);
            PsiResult result = run.withSession(PsiSession::intersect);
            // The responder stores its cohort before it answers, which takes seconds at 1M: store
            // ours meanwhile, in a transaction that commits only if its answer matches ours.
            CompletableFuture<Confirmation> peers = CompletableFuture.supplyAsync(() -> calls.retried(run.runId,
                    run.peerOrganisation, () -> calls.postSlowJson(peer, PEER_BASE + "/" + run.runId + "/confirmation",
                            result.confirmation(), Confirmation.class)), confirmations);
            complete(run, result, false, () -> {
                Confirmation answer = awaitAnswer(peers);
                run.act(s -> s.confirm(answer));
            });
            if (mode == PsiMode.INTERSECTION) {
                calls.sendCompletion(peer, run.runId, result.cohortCommitment());
            }
        } catch (PeerCallException e) {
            failRun(run, new PsiException(run.runId, PsiException.Reason.PEER_FAILURE, e.getMessage(), e), false);
        } catch (PsiException e) {
            failRun(run, e, true);
        } catch (RuntimeException e) {
            failRun(run, new PsiException(run.runId, PsiException.Reason.LOCAL_FAILURE, e.toString(), e), true);
        }
    }

    /** The peer's answer to a call made on another thread, with the exception it failed with. */
    private static <T> T awaitAnswer(CompletableFuture<T> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Streams our chunks of {@code stage} to the peer and takes its chunks from the answer. */
    private void exchangeAsInitiator(ActiveRun run, PartyProperties.Peer peer, String path, Stage stage,
            PsiSession.Step receivingStep) {
        InputStream body = run.countSent(BlindedChunkCodec.asInputStream(run.runId, stage, () -> {
            BlindedChunk chunk = run.withSession(PsiSession::nextOutgoing);
            run.logProgress();
            return chunk;
        }));
        client.postStream(peer, PEER_BASE + "/" + run.runId + path, BlindedChunkCodec.MEDIA_TYPE, body,
                PsiPeerCalls.EXCHANGE_TIMEOUT, answer -> {
                    receiveAll(run, answer);
                    return null;
                });
        requireReceived(run, receivingStep);
        log.info("PSI run {}: {} exchange done ({} bytes sent, {} received so far)", run.runId, stage,
                run.bytesSent.get(), run.bytesReceived.get());
    }

    // ---- responder ----------------------------------------------------------------------

    /** Handles an {@link Invitation} from {@code callerOrganisation}. */
    Acceptance accept(String callerOrganisation, PartyRole callerRole, Invitation invitation) {
        requireDataHolder(properties.role(), "this party");
        requireDataHolder(callerRole, callerOrganisation);
        IdentifierType type = store.linkageType(invitation.projectId()).orElseThrow(() -> new PsiException(
                invitation.runId(), PsiException.Reason.LOCAL_FAILURE,
                "project " + invitation.projectId() + " is not known to this party"));
        if (type != invitation.identifierType()) {
            throw new PsiException(invitation.runId(), PsiException.Reason.PROTOCOL_VIOLATION, "this party links project "
                    + invitation.projectId() + " by " + type + ", not " + invitation.identifierType());
        }
        if (active.containsKey(invitation.runId()) || store.find(invitation.runId()).isPresent()) {
            throw new PsiException(invitation.runId(), PsiException.Reason.PROTOCOL_VIOLATION, "run id already used");
        }
        store.create(invitation.runId(), invitation.projectId(), PartyRegistry.idOf(callerOrganisation),
                invitation.mode(), PsiRole.RESPONDER);
        ActiveRun run = new ActiveRun(invitation.runId(), invitation.projectId(), callerOrganisation, PsiRole.RESPONDER);
        active.put(run.runId, run);
        try {
            PsiSession session = PsiSession.builder().runId(run.runId).projectId(run.projectId).identifierType(type)
                    .mode(invitation.mode()).role(PsiRole.RESPONDER)
                    .records(eligibleRecords(run.runId, run.projectId, type)).build();
            run.attach(session);
            session.peerSetSize(invitation.initiatorSetSize());
            store.recordSetSize(run.runId, session.localSetSize(), session.duplicates().duplicatedValues());
            log.info("PSI run {} accepted from {} for project {} ({} mode, {} identifiers offered)", run.runId,
                    callerOrganisation, run.projectId, invitation.mode(), invitation.initiatorSetSize());
            logPrepared(run, session);
            return new Acceptance(run.runId, session.localSetSize());
        } catch (RuntimeException e) {
            throw failRun(run, asPsiException(run.runId, e), false);
        }
    }

    /**
     * One streamed exchange as responder: reads the initiator's chunks of {@code stage}
     * from {@code request}, then writes ours to {@code response}.
     */
    void exchangeAsResponder(String callerOrganisation, UUID runId, Stage stage, InputStream request,
            OutputStream response) {
        ActiveRun run = responderRun(callerOrganisation, runId);
        try {
            receiveAll(run, request);
            requireReceived(run, stage == Stage.SINGLY_BLINDED ? PsiSession.Step.RECEIVE_PEER_SINGLES
                    : PsiSession.Step.RECEIVE_OWN_DOUBLES);
            DataOutputStream out = BlindedChunkCodec.writer(run.countSent(response));
            for (BlindedChunk chunk; (chunk = run.withSession(PsiSession::nextOutgoing)) != null; ) {
                BlindedChunkCodec.write(out, chunk);
                run.touch();
                run.logProgress();
            }
            BlindedChunkCodec.writeEnd(out, runId, stage);
            log.info("PSI run {}: {} exchange done ({} bytes sent, {} received so far)", runId, stage,
                    run.bytesSent.get(), run.bytesReceived.get());
        } catch (IOException e) {
            throw failRun(run, new PsiException(runId, PsiException.Reason.PEER_FAILURE,
                    "the stream to the peer broke off: " + e.getClass().getSimpleName(), e), false);
        } catch (RuntimeException e) {
            throw failRun(run, asPsiException(runId, e), false);
        }
    }

    /**
     * Checks the initiator's confirmation, stores the cohort (CONFIRMED in intersection
     * mode: usable only after the initiator's {@link Completion}), and answers with ours.
     * A repeated confirmation, whose first answer was lost, gets the same answer.
     */
    Confirmation confirm(String callerOrganisation, Confirmation initiators) {
        UUID runId = initiators.runId();
        ActiveRun running = active.get(runId);
        if (running != null) {
            // A repeat that arrives while the first is still storing the cohort waits for it,
            // then is answered from what it stored.
            synchronized (running.confirming) {
                if (active.containsKey(runId)) {
                    return confirmRunning(callerOrganisation, initiators);
                }
            }
        }
        PsiRunStore.PeerView stored = storedRunOf(callerOrganisation, runId);
        boolean confirmed = stored.status().equals("CONFIRMED") || stored.status().equals("COMPLETED");
        if (!confirmed || !initiators.cohortCommitment().equals(stored.cohortCommitment())
                || initiators.intersectionSize() != stored.intersectionSize()) {
            throw new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION,
                    "the run is " + stored.status() + " here and cannot take this confirmation");
        }
        log.info("PSI run {}: confirmation repeated by {}, answered again", runId, callerOrganisation);
        return new Confirmation(runId, stored.intersectionSize(), stored.cohortCommitment());
    }

    private Confirmation confirmRunning(String callerOrganisation, Confirmation initiators) {
        ActiveRun run = responderRun(callerOrganisation, initiators.runId());
        try {
            PsiResult result = run.withSession(s -> s.confirm(initiators));
            complete(run, result, result.mode() == PsiMode.INTERSECTION);
            return result.confirmation();
        } catch (RuntimeException e) {
            throw failRun(run, asPsiException(run.runId, e), false);
        }
    }

    /**
     * The initiator completed the run with {@code completion}'s commitment: our confirmed
     * cohort becomes usable and is audited. Idempotent.
     */
    RunState completeConfirmed(String callerOrganisation, Completion completion) {
        UUID runId = completion.runId();
        PsiRunStore.PeerView stored = storedRunOf(callerOrganisation, runId);
        if (stored.role() != PsiRole.RESPONDER || !store.commit(runId, completion.cohortCommitment())) {
            throw new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION,
                    "the run is " + stored.status() + " here, with another commitment or role: cannot complete it");
        }
        log.info("PSI run {}: {} completed the run, so does this party", runId, callerOrganisation);
        return new RunState(runId, "COMPLETED", completion.cohortCommitment());
    }

    /** Where the run stands here, for its peer (a responder left CONFIRMED asks). */
    RunState state(String callerOrganisation, UUID runId) {
        PsiRunStore.PeerView stored = storedRunOf(callerOrganisation, runId);
        return new RunState(runId, stored.status(), stored.cohortCommitment());
    }

    /** The initiator gave up; forget the run, and drop a cohort we confirmed. */
    void abort(String callerOrganisation, UUID runId, String reason) {
        String why = "the initiator aborted: " + (reason == null ? "no reason given" : reason);
        if (!active.containsKey(runId)) {
            PsiRunStore.PeerView stored = storedRunOf(callerOrganisation, runId);
            if (stored.role() == PsiRole.RESPONDER && store.fail(runId, PsiException.Reason.PEER_FAILURE + ": " + why)) {
                log.warn("PSI run {} failed (PEER_FAILURE): {}; its confirmed cohort is dropped", runId, why);
            }
            return;
        }
        ActiveRun run = responderRun(callerOrganisation, runId);
        failRun(run, new PsiException(runId, PsiException.Reason.PEER_FAILURE, why), false);
    }

    /**
     * A run stored here whose peer is {@code callerOrganisation} (for a joint cohort at the
     * hospital: the lab of one of its sources); to anyone else it does not exist.
     */
    private PsiRunStore.PeerView storedRunOf(String callerOrganisation, UUID runId) {
        return store.peerView(runId, PartyRegistry.idOf(callerOrganisation))
                .orElseThrow(() -> new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION,
                        "no PSI run with this id for " + callerOrganisation));
    }

    private ActiveRun responderRun(String callerOrganisation, UUID runId) {
        ActiveRun run = active.get(runId);
        if (run == null || run.role != PsiRole.RESPONDER || !run.peerOrganisation.equals(callerOrganisation)) {
            throw new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION,
                    "no running PSI run with this id for " + callerOrganisation);
        }
        run.touch();
        return run;
    }

    // ---- shared -------------------------------------------------------------------------

    /**
     * The patients that enter the protocol here, under the project's consent rule. Withdrawn
     * patients never do. When the project requires consent, the hospital (which holds the
     * research consent register and took the project's consent snapshot at registration)
     * admits only the snapshot's members whose consent is still granted, and refuses to run
     * without a snapshot; a lab admits its patients who have not withdrawn, so the
     * intersection can only hold patients the snapshot admits.
     */
    private List<LinkageRecord> eligibleRecords(UUID runId, UUID projectId, IdentifierType type) {
        Optional<UUID> snapshot = Optional.empty();
        if (store.consentRequired(projectId) && properties.role() == PartyRole.HOSPITAL) {
            snapshot = Optional.of(store.consentSnapshot(projectId).orElseThrow(() -> new PsiException(runId,
                    PsiException.Reason.LOCAL_FAILURE, "project " + projectId + " requires consent, but no consent "
                            + "snapshot was taken here: register the project first")));
        }
        return store.eligibleRecords(type, snapshot);
    }

    private void receiveAll(ActiveRun run, InputStream stream) throws IOException {
        DataInputStream in = BlindedChunkCodec.reader(run.countReceived(stream));
        try {
            for (BlindedChunk chunk; (chunk = BlindedChunkCodec.read(in, run.runId, MAX_CHUNK)) != null; ) {
                BlindedChunk received = chunk;
                run.act(s -> s.receive(received));
                run.touch();
                run.logProgress();
            }
        } catch (EOFException e) {
            throw new PsiException(run.runId, PsiException.Reason.PEER_FAILURE,
                    "the peer's stream ended before its end frame: the peer disappeared mid-way", e);
        }
    }

    /** A stream may end only once every element of its stage has arrived. */
    private void requireReceived(ActiveRun run, PsiSession.Step receivingStep) {
        if (!run.withSession(s -> s.hasPassed(receivingStep))) {
            throw new PsiException(run.runId, PsiException.Reason.PROTOCOL_VIOLATION,
                    "the peer's stream ended before all elements of step " + receivingStep + " arrived");
        }
    }

    private void complete(ActiveRun run, PsiResult result, boolean awaitCommit) {
        complete(run, result, awaitCommit, () -> { });
    }

    /** Stores the outcome; {@code beforeCommit} may still refuse it, and then nothing is kept. */
    private void complete(ActiveRun run, PsiResult result, boolean awaitCommit, Runnable beforeCommit) {
        store.complete(run.projectId, result, awaitCommit, beforeCommit);
        finishedProgress.put(run.runId, run.progress());
        active.remove(run.runId);
        log.info("PSI run {} {}: {} shared of {} here and {} at {} ({} bytes sent, {} received)", run.runId,
                awaitCommit ? "confirmed, awaiting the initiator's completion" : "completed",
                result.intersectionSize(), result.localSetSize(), result.peerSetSize(), run.peerOrganisation,
                run.bytesSent.get(), run.bytesReceived.get());
    }

    private PsiException failRun(ActiveRun run, PsiException cause, boolean tellPeer) {
        if (active.remove(run.runId) == null) {
            return cause; // already failed (e.g. by the sweeper)
        }
        run.close();
        finishedProgress.put(run.runId, run.progress());
        store.fail(run.runId, cause.reason() + ": " + cause.detail());
        log.warn("PSI run {} failed ({}): {}", run.runId, cause.reason(), cause.detail());
        if (tellPeer && run.role == PsiRole.INITIATOR) {
            properties.peer(run.peerOrganisation)
                    .ifPresent(peer -> calls.abort(peer, run.runId, cause.reason().name()));
        }
        return cause;
    }

    private void sweep() {
        try {
            failIdleResponderRuns();
            resolveConfirmedRuns();
        } catch (RuntimeException e) {
            log.warn("PSI sweep failed, will try again: {}", e.toString());
        }
    }

    /**
     * Responder: a run CONFIRMED for a while whose completion never came asks the
     * initiator how the run ended: COMPLETED with the same commitment completes it here;
     * FAILED, unknown or another commitment drops the cohort; an initiator that stays
     * unreachable beyond {@code genovfl.psi.confirmation-timeout} drops it too.
     */
    void resolveConfirmedRuns() {
        // The completion follows the confirmation at once; wait as long as for a quiet peer.
        for (PsiRunStore.PeerView run : store.confirmedResponderRuns(idleTimeout)) {
            Optional<PartyProperties.Peer> peer = calls.peerWithId(run.peerPartyId());
            String outcome;
            try {
                RunState state = client.get(peer.orElseThrow(), PEER_BASE + "/" + run.runId(), RunState.class);
                outcome = state.status();
                if ("COMPLETED".equals(outcome) && run.cohortCommitment().equals(state.cohortCommitment())) {
                    store.commit(run.runId(), run.cohortCommitment());
                    log.info("PSI run {}: the initiator had completed it; completed here too", run.runId());
                    continue;
                }
                if ("RUNNING".equals(outcome)) {
                    continue; // still finishing its side
                }
            } catch (PeerCallException e) {
                boolean unreachable = PsiPeerCalls.unreachable(e);
                Instant confirmedAt = store.confirmedAt(run.runId()).orElse(Instant.now());
                if (unreachable && confirmedAt.plus(confirmationTimeout).isAfter(Instant.now())) {
                    continue;
                }
                outcome = unreachable ? "unreachable for " + confirmationTimeout : "unknown there";
            } catch (NoSuchElementException e) {
                outcome = "no longer a configured peer";
            }
            String why = "the initiator did not complete the run (" + outcome + ")";
            if (store.fail(run.runId(), PsiException.Reason.PEER_FAILURE + ": " + why)) {
                log.warn("PSI run {} failed (PEER_FAILURE): {}; its confirmed cohort is dropped", run.runId(), why);
            }
        }
    }

    private void failIdleResponderRuns() {
        long now = System.nanoTime();
        for (ActiveRun run : active.values()) {
            if (run.role == PsiRole.RESPONDER && now - run.lastActivity > idleTimeout.toNanos() && !run.busy()) {
                failRun(run, new PsiException(run.runId, PsiException.Reason.PEER_FAILURE,
                        "the initiator stopped answering (idle for more than " + idleTimeout.toSeconds() + " s)"), false);
            }
        }
    }

    private static PsiException asPsiException(UUID runId, RuntimeException e) {
        return e instanceof PsiException psi ? psi
                : new PsiException(runId, PsiException.Reason.LOCAL_FAILURE, e.toString(), e);
    }

    private static void requireDataHolder(PartyRole role, String who) {
        if (role != PartyRole.HOSPITAL && role != PartyRole.LAB) {
            throw new IllegalArgumentException(who + " is a " + role + ": only a hospital and a lab hold patients to align");
        }
    }

    private static void logPrepared(ActiveRun run, PsiSession session) {
        var duplicates = session.duplicates();
        log.info("PSI run {}: {} identifiers enter the protocol ({} duplicated values set aside, {} patients excluded, "
                + "{} invalid)", run.runId, session.localSetSize(), duplicates.duplicatedValues(),
                duplicates.patientsExcluded(), duplicates.invalidIdentifiers());
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
        initiatorRuns.shutdownNow();
        confirmations.shutdownNow();
        active.values().forEach(ActiveRun::close);
    }

    /** A run in progress at this party: its session (guarded by this object) and counters. */
    private static final class ActiveRun {
        final UUID runId;
        final UUID projectId;
        final String peerOrganisation;
        final PsiRole role;
        final AtomicLong bytesSent = new AtomicLong();
        final AtomicLong bytesReceived = new AtomicLong();
        /** Held while a confirmation is checked and the cohort stored. */
        final Object confirming = new Object();
        volatile long lastActivity = System.nanoTime();
        private volatile int callsInProgress;
        private PsiSession session;

        ActiveRun(UUID runId, UUID projectId, String peerOrganisation, PsiRole role) {
            this.runId = runId;
            this.projectId = projectId;
            this.peerOrganisation = peerOrganisation;
            this.role = role;
        }

        synchronized void attach(PsiSession session) {
            this.session = session;
        }

        synchronized <T> T withSession(java.util.function.Function<PsiSession, T> action) {
            if (session == null) {
                throw new PsiException(runId, PsiException.Reason.LOCAL_FAILURE, "the run was stopped");
            }
            callsInProgress++;
            try {
                return action.apply(session);
            } finally {
                callsInProgress--;
            }
        }

        void act(java.util.function.Consumer<PsiSession> action) {
            withSession(s -> {
                action.accept(s);
                return null;
            });
        }

        void touch() {
            lastActivity = System.nanoTime();
        }

        private String loggedStep;
        private int loggedTenth;

        /** Logs each tenth of a long step (ids, steps and counts only). */
        synchronized void logProgress() {
            if (session == null || session.stepTotal() < 100_000) {
                return;
            }
            String step = session.step().name();
            int tenth = (int) (10L * session.stepProgress() / session.stepTotal());
            if (!step.equals(loggedStep)) {
                loggedStep = step;
                loggedTenth = 0;
            }
            if (tenth > loggedTenth) {
                loggedTenth = tenth;
                log.info("PSI run {}: {} {}/{}", runId, step, session.stepProgress(), session.stepTotal());
            }
        }

        boolean busy() {
            return callsInProgress > 0;
        }

        synchronized PsiRunView.Progress progress() {
            String step = session == null ? "PREPARING" : session.step().name();
            int done = session == null ? 0 : session.stepProgress();
            int total = session == null ? 0 : Math.max(0, session.stepTotal());
            return new PsiRunView.Progress(step, done, total, bytesSent.get(), bytesReceived.get());
        }

        synchronized void close() {
            if (session != null) {
                session.close();
                session = null;
            }
        }

        InputStream countReceived(InputStream in) {
            return new CountingInputStream(in, bytesReceived::addAndGet);
        }

        InputStream countSent(InputStream in) {
            return new CountingInputStream(in, bytesSent::addAndGet);
        }

        OutputStream countSent(OutputStream out) {
            return new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] buffer, int offset, int length) throws IOException {
                    out.write(buffer, offset, length);
                    bytesSent.addAndGet(length);
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    bytesSent.incrementAndGet();
                }
            };
        }
    }
}
