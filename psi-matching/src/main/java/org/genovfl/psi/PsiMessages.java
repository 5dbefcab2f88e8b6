package org.genovfl.psi;

import java.util.Objects;
import java.util.UUID;

/**
 * The messages of one run, in the order they travel (I = initiator, R = responder):
 * <ol>
 *   <li>I → R {@link Invitation}; R → I {@link Acceptance}: run, project, identifier type,
 *       mode and both set sizes (which PSI reveals anyway).</li>
 *   <li>I → R the {@link Stage#SINGLY_BLINDED} chunks of I's shuffled set;
 *       R → I the same for R's set.</li>
 *   <li>I → R the {@link Stage#DOUBLY_BLINDED} chunks of R's set (blinded again by I, in the
 *       order received); R → I the same for I's set.</li>
 *   <li>I → R {@link Confirmation}; R → I its own: both must hold the same intersection.
 *       R now holds the cohort, not yet usable; a repeated confirmation gets the same answer.</li>
 *   <li>I → R {@link Completion}: I completed with the same commitment, so R completes too.
 *       If it never arrives, R asks I for the run's {@link RunState} and completes or drops
 *       the cohort accordingly.</li>
 * </ol>
 */
public final class PsiMessages {

    private PsiMessages() {
    }

    /** Which exchange a chunk belongs to. */
    public enum Stage {
        /** k_sender·H(id) for the sender's own identifiers, shuffled. */
        SINGLY_BLINDED,
        /** k_sender·k_receiver·H(id) for the receiver's identifiers, in the order the receiver sent them. */
        DOUBLY_BLINDED
    }

    /** Opens a run. */
    public record Invitation(UUID runId, UUID projectId, IdentifierType identifierType, PsiMode mode,
            int initiatorSetSize) {
        public Invitation {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(projectId, "projectId");
            Objects.requireNonNull(identifierType, "identifierType");
            Objects.requireNonNull(mode, "mode");
            if (initiatorSetSize < 0) {
                throw new IllegalArgumentException("initiatorSetSize must not be negative");
            }
        }
    }

    /** The responder's answer to an {@link Invitation}. */
    public record Acceptance(UUID runId, int responderSetSize) {
        public Acceptance {
            Objects.requireNonNull(runId, "runId");
            if (responderSetSize < 0) {
                throw new IllegalArgumentException("responderSetSize must not be negative");
            }
        }
    }

    /**
     * Consecutive elements of one stage of one run.
     *
     * @param offset position of the first element within the stage's sequence
     * @param points concatenated 32-byte Ristretto255 encodings
     */
    public record BlindedChunk(UUID runId, Stage stage, int offset, byte[] points) {
        public BlindedChunk {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(points, "points");
        }

        public int count() {
            return points.length / 32;
        }

        @Override
        public String toString() {
            return "BlindedChunk[run=" + runId + ", stage=" + stage + ", offset=" + offset + ", count=" + count() + "]";
        }
    }

    /**
     * Closes a run: the size of the intersection and its joint {@link CohortCommitment}
     * (over the doubly blinded values in canonical order, bound to project and run). Equal
     * confirmations prove both parties derived the same rows in the same order; the
     * commitment reveals nothing the two parties do not already share, and is what both
     * record on the audit ledger.
     */
    public record Confirmation(UUID runId, int intersectionSize, String cohortCommitment) {
        public Confirmation {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(cohortCommitment, "cohortCommitment");
        }
    }

    /** The initiator completed the run: the responder's confirmed cohort becomes usable. */
    public record Completion(UUID runId, String cohortCommitment) {
        public Completion {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(cohortCommitment, "cohortCommitment");
        }
    }

    /**
     * Where a run stands at one party, as its peer may ask: RUNNING, CONFIRMED, COMPLETED or
     * FAILED, and the joint commitment once there is one.
     */
    public record RunState(UUID runId, String status, String cohortCommitment) {
        public RunState {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(status, "status");
        }
    }
}
