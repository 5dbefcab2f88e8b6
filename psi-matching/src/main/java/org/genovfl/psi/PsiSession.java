package org.genovfl.psi;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.genovfl.he.ristretto.BlindingKey;
import org.genovfl.he.ristretto.InvalidPointException;
import org.genovfl.he.ristretto.Ristretto255;
import org.genovfl.psi.PsiMessages.BlindedChunk;
import org.genovfl.psi.PsiMessages.Confirmation;
import org.genovfl.psi.PsiMessages.Stage;

/**
 * One party's side of one ECDH-PSI run over Ristretto255, independent of any transport:
 * the caller moves {@link BlindedChunk}s between the two sessions however it likes (the
 * party service streams them over mutual TLS) and the session checks that each arrives in
 * turn, for this run, at the expected offset, and holds only valid group elements.
 *
 * <p>Steps, in the order each role takes them (the state machine):
 * <pre>
 *   INITIATOR: SEND_OWN_SINGLES → RECEIVE_PEER_SINGLES → SEND_PEER_DOUBLES → RECEIVE_OWN_DOUBLES → CONFIRM → DONE
 *   RESPONDER: RECEIVE_PEER_SINGLES → SEND_OWN_SINGLES → RECEIVE_OWN_DOUBLES → SEND_PEER_DOUBLES → CONFIRM → DONE
 * </pre>
 * The blinding key is wiped as soon as the last blinding is done, and every blinded value
 * when the session completes, fails or is closed.
 *
 * <pre>{@code
 * try (PsiSession hospital = PsiSession.builder()
 *         .runId(runId).projectId(projectId).identifierType(IdentifierType.BIOBANK_SAMPLE_ID)
 *         .mode(PsiMode.INTERSECTION).role(PsiRole.INITIATOR).records(records).build()) {
 *     hospital.peerSetSize(acceptance.responderSetSize());
 *     for (BlindedChunk c; (c = hospital.nextOutgoing()) != null; ) send(c); ...
 *     PsiResult result = hospital.intersect();
 *     hospital.confirm(peersConfirmation);
 * }
 * }</pre>
 * Not thread-safe: one caller drives a session.
 */
public final class PsiSession implements AutoCloseable {

    /** Elements per chunk by default: 512 KiB, enough to keep both cores busy per native call. */
    public static final int DEFAULT_CHUNK_SIZE = 16_384;

    /** A step of the run. */
    public enum Step {
        SEND_OWN_SINGLES, RECEIVE_PEER_SINGLES, SEND_PEER_DOUBLES, RECEIVE_OWN_DOUBLES, CONFIRM, DONE, FAILED
    }

    private static final List<Step> INITIATOR_STEPS = List.of(Step.SEND_OWN_SINGLES, Step.RECEIVE_PEER_SINGLES,
            Step.SEND_PEER_DOUBLES, Step.RECEIVE_OWN_DOUBLES, Step.CONFIRM, Step.DONE);
    private static final List<Step> RESPONDER_STEPS = List.of(Step.RECEIVE_PEER_SINGLES, Step.SEND_OWN_SINGLES,
            Step.RECEIVE_OWN_DOUBLES, Step.SEND_PEER_DOUBLES, Step.CONFIRM, Step.DONE);

    private final UUID runId;
    private final UUID projectId;
    private final PsiMode mode;
    private final PsiRole role;
    private final int chunkSize;
    private final byte[] domainTag;
    private final DuplicateReport duplicates;
    private final SecureRandom random = new SecureRandom();
    private final List<Step> steps;

    /** Own identifiers and patient ids, in the shuffled order they are sent. */
    private List<String> ownIdentifiers;
    private long[] ownPatientIds;
    private BlindingKey key;
    private int peerSetSize = -1;
    private int stepIndex;
    /** Elements sent or received in the current step. */
    private int progress;

    /** k_self·k_peer·H(y) for the peer's values, in the order received. */
    private byte[] peerDoubles;
    /** k_peer·k_self·H(x) for own values, in the order sent (shuffled by the peer in cardinality mode). */
    private byte[] ownDoubles;
    /** In cardinality mode, the order in which peerDoubles are returned. */
    private int[] returnOrder;
    private PsiResult result;

    private PsiSession(Builder b) {
        this.runId = b.runId;
        this.projectId = b.projectId;
        this.mode = b.mode;
        this.role = b.role;
        this.chunkSize = b.chunkSize;
        this.domainTag = domainTag(b.projectId, b.identifierType);
        this.steps = role == PsiRole.INITIATOR ? INITIATOR_STEPS : RESPONDER_STEPS;
        PreparedSet prepared = PreparedSet.prepare(b.identifierType, b.records);
        this.duplicates = prepared.report();
        // Shuffle so the position of a value reveals nothing about local order (e.g. insertion time).
        int[] order = permutation(prepared.size());
        this.ownIdentifiers = new ArrayList<>(prepared.size());
        this.ownPatientIds = new long[prepared.size()];
        for (int i = 0; i < order.length; i++) {
            ownIdentifiers.add(prepared.identifiers().get(order[i]));
            ownPatientIds[i] = prepared.patientIds()[order[i]];
        }
        this.ownDoubles = new byte[prepared.size() * Ristretto255.POINT_BYTES];
        this.key = BlindingKey.generate();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The domain separation tag of a project and identifier type: the same identifier
     * hashes to unrelated group elements in different projects, so runs cannot be linked.
     */
    public static byte[] domainTag(UUID projectId, IdentifierType type) {
        return ("GenoVFL-PSI-v1:ristretto255_XMD:SHA-512_R255MAP:project=" + projectId + ":type=" + type)
                .getBytes(StandardCharsets.UTF_8);
    }

    public UUID runId() {
        return runId;
    }

    public PsiRole role() {
        return role;
    }

    public PsiMode mode() {
        return mode;
    }

    /** Number of this party's identifiers taking part, after normalisation and duplicate removal. */
    public int localSetSize() {
        return ownPatientIds == null ? 0 : ownPatientIds.length;
    }

    public DuplicateReport duplicates() {
        return duplicates;
    }

    /** The step the session is waiting for. */
    public Step step() {
        return stepIndex < 0 ? Step.FAILED : steps.get(stepIndex);
    }

    /** Whether the run has moved beyond {@code step} (false once failed). */
    public boolean hasPassed(Step step) {
        int index = steps.indexOf(step);
        return stepIndex >= 0 && index >= 0 && stepIndex > index;
    }

    /** Elements handled so far in the current step, and the step's total. */
    public int stepProgress() {
        return progress;
    }

    public int stepTotal() {
        return switch (step()) {
            case SEND_OWN_SINGLES, RECEIVE_OWN_DOUBLES -> localSetSize();
            case RECEIVE_PEER_SINGLES, SEND_PEER_DOUBLES -> peerSetSize;
            default -> 0;
        };
    }

    /**
     * Records the peer's set size from its {@link PsiMessages.Invitation} or
     * {@link PsiMessages.Acceptance}; must come before any chunk.
     */
    public void peerSetSize(int size) {
        if (peerSetSize >= 0) {
            throw violation("the peer's set size was already given");
        }
        if (size < 0) {
            throw violation("the peer announced a negative set size");
        }
        peerSetSize = size;
        peerDoubles = new byte[Math.multiplyExact(size, Ristretto255.POINT_BYTES)];
        if (mode == PsiMode.CARDINALITY) {
            returnOrder = permutation(size);
        }
        skipEmptySteps();
    }

    /**
     * The next chunk to send in the current sending step, or {@code null} if the session is
     * not in a sending step (then it is the peer's turn).
     */
    public BlindedChunk nextOutgoing() {
        requirePeerSize();
        Step step = step();
        if (step != Step.SEND_OWN_SINGLES && step != Step.SEND_PEER_DOUBLES) {
            return null;
        }
        int offset = progress;
        int count = Math.min(chunkSize, stepTotal() - offset);
        byte[] points;
        Stage stage;
        if (step == Step.SEND_OWN_SINGLES) {
            stage = Stage.SINGLY_BLINDED;
            List<byte[]> batch = new ArrayList<>(count);
            for (String identifier : ownIdentifiers.subList(offset, offset + count)) {
                batch.add(identifier.getBytes(StandardCharsets.UTF_8));
            }
            points = key.hashToGroupAndBlind(domainTag, batch);
        } else {
            stage = Stage.DOUBLY_BLINDED;
            points = new byte[count * Ristretto255.POINT_BYTES];
            for (int i = 0; i < count; i++) {
                int from = returnOrder == null ? offset + i : returnOrder[offset + i];
                System.arraycopy(peerDoubles, from * Ristretto255.POINT_BYTES, points, i * Ristretto255.POINT_BYTES,
                        Ristretto255.POINT_BYTES);
            }
        }
        advance(count);
        return new BlindedChunk(runId, stage, offset, points);
    }

    /**
     * Accepts a chunk from the peer in the current receiving step.
     *
     * @throws PsiException {@link PsiException.Reason#PROTOCOL_VIOLATION} if it is out of turn,
     *     of another run, at the wrong offset or too long; {@link PsiException.Reason#INVALID_POINT}
     *     if an element is malformed or the identity. Either way the session has failed.
     */
    public void receive(BlindedChunk chunk) {
        Objects.requireNonNull(chunk, "chunk");
        requirePeerSize();
        if (!runId.equals(chunk.runId())) {
            throw violation("received a chunk of another run");
        }
        Step step = step();
        Stage expected = switch (step) {
            case RECEIVE_PEER_SINGLES -> Stage.SINGLY_BLINDED;
            case RECEIVE_OWN_DOUBLES -> Stage.DOUBLY_BLINDED;
            default -> throw violation("received a " + chunk.stage() + " chunk while at step " + step);
        };
        if (chunk.stage() != expected) {
            throw violation("received a " + chunk.stage() + " chunk while expecting " + expected);
        }
        if (chunk.points().length % Ristretto255.POINT_BYTES != 0) {
            throw violation("received a chunk that is not a whole number of elements");
        }
        int count = chunk.count();
        if (chunk.offset() != progress || count == 0 || count > stepTotal() - progress) {
            throw violation("received elements " + chunk.offset() + ".." + (chunk.offset() + count) + " while expecting "
                    + progress + " of " + stepTotal());
        }
        if (step == Step.RECEIVE_PEER_SINGLES) {
            byte[] blinded;
            try {
                blinded = key.blind(chunk.points());
            } catch (InvalidPointException e) {
                throw fail(new PsiException(runId, PsiException.Reason.INVALID_POINT,
                        "the peer's singly blinded chunk at offset " + chunk.offset() + ": " + e.getMessage()));
            }
            System.arraycopy(blinded, 0, peerDoubles, progress * Ristretto255.POINT_BYTES, blinded.length);
        } else {
            // These values are only compared for equality, so a malformed encoding can only fail
            // to match, which a dishonest peer could achieve anyway; decoding a million of them
            // would cost seconds for nothing. The identity (all zeros) is cheap to spot and refused.
            int identity = firstIdentity(chunk.points());
            if (identity >= 0) {
                throw fail(new PsiException(runId, PsiException.Reason.INVALID_POINT,
                        "the peer's doubly blinded chunk at offset " + chunk.offset() + ": element " + identity
                                + " is the identity element"));
            }
            System.arraycopy(chunk.points(), 0, ownDoubles, progress * Ristretto255.POINT_BYTES, chunk.points().length);
        }
        advance(count);
    }

    /**
     * Computes the intersection once every chunk has travelled; the result's
     * confirmation goes to the peer, whose own must then be given to {@link #confirm}.
     */
    public PsiResult intersect() {
        if (step() != Step.CONFIRM) {
            throw violation("cannot intersect at step " + step());
        }
        if (result != null) {
            return result;
        }
        int[] positions;
        try {
            positions = Ristretto255.intersect(ownDoubles, peerDoubles);
        } catch (InvalidPointException e) {
            throw fail(new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION, e.getMessage()));
        }
        byte[] tokens = new byte[positions.length * Ristretto255.POINT_BYTES];
        List<Long> aligned = new ArrayList<>(mode == PsiMode.INTERSECTION ? positions.length : 0);
        for (int row = 0; row < positions.length; row++) {
            System.arraycopy(ownDoubles, positions[row] * Ristretto255.POINT_BYTES, tokens,
                    row * Ristretto255.POINT_BYTES, Ristretto255.POINT_BYTES);
            if (mode == PsiMode.INTERSECTION) {
                aligned.add(ownPatientIds[positions[row]]);
            }
        }
        Confirmation confirmation = new Confirmation(runId, positions.length,
                CohortCommitment.joint(projectId, runId, tokens));
        if (mode == PsiMode.CARDINALITY) {
            Arrays.fill(tokens, (byte) 0); // which values matched stays unknown: keep nothing
            tokens = new byte[0];
        }
        result = new PsiResult(runId, mode, localSetSize(), peerSetSize, duplicates, positions.length,
                List.copyOf(aligned), tokens, confirmation);
        erase();
        return result;
    }

    /**
     * Checks the peer's confirmation against ours and completes the run.
     *
     * @throws PsiException {@link PsiException.Reason#RESULT_MISMATCH} if they differ
     */
    public PsiResult confirm(Confirmation peers) {
        Objects.requireNonNull(peers, "peers");
        PsiResult mine = intersect();
        if (!runId.equals(peers.runId())) {
            throw violation("received the confirmation of another run");
        }
        if (!mine.confirmation().equals(peers)) {
            throw fail(new PsiException(runId, PsiException.Reason.RESULT_MISMATCH,
                    "the peer found " + peers.intersectionSize() + " shared patients, this party "
                            + mine.intersectionSize() + ", or the row orders differ"));
        }
        stepIndex = steps.indexOf(Step.DONE);
        return mine;
    }

    /** Marks the session failed and wipes its secrets; returns the exception to throw. */
    public PsiException fail(PsiException cause) {
        stepIndex = -1;
        erase();
        return cause;
    }

    /** Wipes the key and every blinded value; the session cannot continue. */
    @Override
    public void close() {
        if (step() != Step.DONE) {
            stepIndex = -1;
        }
        erase();
    }

    private void erase() {
        if (key != null) {
            key.close();
            key = null;
        }
        if (peerDoubles != null) {
            Arrays.fill(peerDoubles, (byte) 0);
            peerDoubles = null;
        }
        if (ownDoubles != null) {
            Arrays.fill(ownDoubles, (byte) 0);
            ownDoubles = null;
        }
        ownIdentifiers = null;
        if (result == null) {
            ownPatientIds = null;
        }
    }

    private void advance(int count) {
        progress += count;
        if (progress == stepTotal()) {
            stepIndex++;
            progress = 0;
            skipEmptySteps();
            if (key != null && stepsAfterBlinding()) {
                key.close(); // no more multiplications in this run: drop the secret now
                key = null;
            }
        }
    }

    private boolean stepsAfterBlinding() {
        return stepIndex < 0 || steps.subList(stepIndex, steps.size()).stream()
                .noneMatch(s -> s == Step.SEND_OWN_SINGLES || s == Step.RECEIVE_PEER_SINGLES);
    }

    private static int firstIdentity(byte[] points) {
        for (int start = 0; start < points.length; start += Ristretto255.POINT_BYTES) {
            int bits = 0;
            for (int i = start; i < start + Ristretto255.POINT_BYTES; i++) {
                bits |= points[i];
            }
            if (bits == 0) {
                return start / Ristretto255.POINT_BYTES;
            }
        }
        return -1;
    }

    private void skipEmptySteps() {
        while (stepIndex >= 0 && step() != Step.CONFIRM && step() != Step.DONE && stepTotal() == 0) {
            stepIndex++;
        }
    }

    private void requirePeerSize() {
        if (stepIndex < 0) {
            throw new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION, "the run has already failed");
        }
        if (peerSetSize < 0) {
            throw violation("the peer's set size is not known yet");
        }
    }

    private PsiException violation(String message) {
        return fail(new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION, message));
    }

    private int[] permutation(int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Builds a session; every setter checks its argument. */
    public static final class Builder {
        private UUID runId;
        private UUID projectId;
        private IdentifierType identifierType;
        private PsiMode mode = PsiMode.INTERSECTION;
        private PsiRole role;
        private Collection<LinkageRecord> records;
        private int chunkSize = DEFAULT_CHUNK_SIZE;

        private Builder() {
        }

        public Builder runId(UUID runId) {
            this.runId = Objects.requireNonNull(runId, "runId");
            return this;
        }

        public Builder projectId(UUID projectId) {
            this.projectId = Objects.requireNonNull(projectId, "projectId");
            return this;
        }

        public Builder identifierType(IdentifierType identifierType) {
            this.identifierType = Objects.requireNonNull(identifierType, "identifierType");
            return this;
        }

        public Builder mode(PsiMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder role(PsiRole role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /** This party's eligible patients (consent already checked by the caller). */
        public Builder records(Collection<LinkageRecord> records) {
            this.records = List.copyOf(Objects.requireNonNull(records, "records"));
            return this;
        }

        public Builder chunkSize(int chunkSize) {
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunkSize must be positive");
            }
            this.chunkSize = chunkSize;
            return this;
        }

        /**
         * Normalises the records, sets duplicates aside, shuffles, and draws a fresh key.
         *
         * @throws IllegalStateException if a required setting is missing
         */
        public PsiSession build() {
            require(runId, "runId");
            require(projectId, "projectId");
            require(identifierType, "identifierType");
            require(role, "role");
            require(records, "records");
            return new PsiSession(this);
        }

        private static void require(Object value, String name) {
            if (value == null) {
                throw new IllegalStateException(name + " is not set");
            }
        }
    }
}
