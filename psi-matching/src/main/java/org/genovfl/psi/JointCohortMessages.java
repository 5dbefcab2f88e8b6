package org.genovfl.psi;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.genovfl.psi.JointCohortCommitment.Component;

/**
 * The messages that turn completed pairwise runs into one joint cohort (H = the hospital,
 * L_i = the lab of source run i):
 * <ol>
 *   <li>H → each L_i {@link JointCohortProposal}: which rows of L_i's own source run form the
 *       joint cohort, in joint order, and every source's {@link JointCohortCommitment}
 *       component. L_i recomputes its own component, stores the cohort CONFIRMED (not
 *       usable) and answers {@link JointCohortAcceptance}; a repeated proposal gets the same
 *       answer.</li>
 *   <li>H, once every lab accepted with H's joint commitment, completes and sends each L_i
 *       the pairwise {@link PsiMessages.Completion}; if a lab refused or could not be
 *       reached, H fails the run and tells the others to drop theirs (abort). A lab whose
 *       completion never came asks H for the {@link PsiMessages.RunState}, as a pairwise
 *       responder does.</li>
 * </ol>
 * A lab learns which of the patients it already shares with the hospital are in the joint
 * cohort, and the joint order; never another lab's identifiers or tokens.
 */
public final class JointCohortMessages {

    /** At most this many sources: the audit event lists each one's run and component. */
    public static final int MAX_SOURCES = 16;

    private JointCohortMessages() {
    }

    /**
     * H → L_i.
     *
     * @param sourceRunId L_i's own pairwise run with H, one of {@code componentHashes}
     * @param rowIndices for each joint row in joint order, its {@code row_index} in
     *     {@code sourceRunId}
     * @param componentHashes every source's run and component, in source order: what the
     *     joint commitment hashes
     */
    public record JointCohortProposal(UUID jointRunId, UUID projectId, UUID sourceRunId, int[] rowIndices,
            List<Component> componentHashes) {

        /**
         * @throws IllegalArgumentException if there are no rows, fewer than 2 or more than
         *     {@value #MAX_SOURCES} sources, a source appears twice, or {@code sourceRunId} is
         *     not among them
         */
        public JointCohortProposal {
            Objects.requireNonNull(jointRunId, "jointRunId");
            Objects.requireNonNull(projectId, "projectId");
            Objects.requireNonNull(sourceRunId, "sourceRunId");
            Objects.requireNonNull(rowIndices, "rowIndices");
            if (rowIndices.length == 0) {
                throw new IllegalArgumentException("a joint cohort has at least one row");
            }
            componentHashes = List.copyOf(componentHashes);
            if (componentHashes.size() < 2 || componentHashes.size() > MAX_SOURCES) {
                throw new IllegalArgumentException("a joint cohort joins 2 to " + MAX_SOURCES + " source runs, not "
                        + componentHashes.size());
            }
            JointCohortCommitment.requireDistinctSources(componentHashes);
            if (componentHashes.stream().noneMatch(c -> c.sourceRunId().equals(sourceRunId))) {
                throw new IllegalArgumentException("source run " + sourceRunId + " has no component hash");
            }
        }

        /** The claimed component of {@code sourceRunId}. */
        public String ownComponent() {
            return componentHashes.stream().filter(c -> c.sourceRunId().equals(sourceRunId)).findFirst()
                    .orElseThrow().sha256();
        }

        @Override
        public String toString() {
            return "JointCohortProposal[jointRun=" + jointRunId + ", project=" + projectId + ", sourceRun="
                    + sourceRunId + ", rows=" + rowIndices.length + ", sources=" + componentHashes.size() + "]";
        }
    }

    /** L_i → H: L_i stored the cohort CONFIRMED under this joint commitment. */
    public record JointCohortAcceptance(UUID jointRunId, int cohortSize, String cohortCommitment) {
        public JointCohortAcceptance {
            Objects.requireNonNull(jointRunId, "jointRunId");
            Objects.requireNonNull(cohortCommitment, "cohortCommitment");
        }
    }
}
